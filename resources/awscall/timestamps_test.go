package awscall

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSDKTimestamps(t *testing.T) {
	tests := []struct {
		name, service string
		in, want      map[string]any
	}{
		{"epoch seconds, fractions to the millisecond", "ecs",
			map[string]any{"Tasks": []any{map[string]any{"CreatedAt": 1.7000000001234e9, "StoppedAt": int64(1700000060), "Version": int64(3),
				"Containers": []any{map[string]any{"Name": "app", "ExitCode": int64(0)}}}}},
			map[string]any{"Tasks": []any{map[string]any{"CreatedAt": "2023-11-14T22:13:20.123Z", "StoppedAt": "2023-11-14T22:14:20Z", "Version": int64(3),
				"Containers": []any{map[string]any{"Name": "app", "ExitCode": int64(0)}}}}}},
		{"ISO text: Instant's form, in UTC", "s3",
			map[string]any{"Contents": []any{map[string]any{"Key": "k", "LastModified": "2009-10-12T17:50:30.000Z"},
				map[string]any{"Key": "j", "LastModified": "2009-10-12T19:50:30.5+02:00"}}},
			map[string]any{"Contents": []any{map[string]any{"Key": "k", "LastModified": "2009-10-12T17:50:30Z"},
				map[string]any{"Key": "j", "LastModified": "2009-10-12T17:50:30.500Z"}}}},
		{"the user's maps keep their values", "ecs",
			map[string]any{"ContainerDefinitions": []any{map[string]any{"DockerLabels": map[string]any{"CreatedAt": "yesterday"}}}},
			map[string]any{"ContainerDefinitions": []any{map[string]any{"DockerLabels": map[string]any{"CreatedAt": "yesterday"}}}}},
		{"no timestamp, or a service without a list: as it was", "batch",
			map[string]any{"Jobs": []any{map[string]any{"CreatedAt": int64(1700000000000)}}},
			map[string]any{"Jobs": []any{map[string]any{"CreatedAt": int64(1700000000000)}}}},
		{"a value that is no timestamp stays", "secretsmanager",
			map[string]any{"CreatedDate": "soon", "LastChangedDate": true},
			map[string]any{"CreatedDate": "soon", "LastChangedDate": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, SDKTimestamps(tt.service, tt.in))
		})
	}
}
