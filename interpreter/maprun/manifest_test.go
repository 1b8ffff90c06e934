package maprun

import (
	"testing"

	"github.com/aslrun/aslrun/asl/failure"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The manifest of AWS's example, with two data files.
const inventoryManifestJSON = `{
  "sourceBucket" : "amzn-s3-demo-source-bucket",
  "destinationBucket" : "arn:aws:s3:::amzn-s3-demo-inventory",
  "version" : "2016-11-30",
  "creationTimestamp" : "1668560400000",
  "fileFormat" : "CSV",
  "fileSchema" : "Bucket, Key, Size, LastModifiedDate",
  "files" : [ {
    "key" : "amzn-s3-demo-bucket/destination-prefix/data/20e55de8-9c21-45d4-99b9-46c732000228.csv.gz",
    "size" : 7300,
    "MD5checksum" : "a7ff4a1d4164c3cd55851055ec8f6b20"
  }, {
    "key" : "amzn-s3-demo-bucket/destination-prefix/data/second.csv.gz",
    "size" : 70,
    "MD5checksum" : "a7ff4a1d4164c3cd55851055ec8f6b21"
  } ]
}`

func TestS3Inventory(t *testing.T) {
	objs := newObjects(map[string]map[string]string{"amzn-s3-demo-inventory": {
		"destination-prefix/amzn-s3-demo-bucket/config-id/2022-11-16T00-00Z/manifest.json": inventoryManifestJSON,
		"amzn-s3-demo-bucket/destination-prefix/data/20e55de8-9c21-45d4-99b9-46c732000228.csv.gz": gzipped(
			`"amzn-s3-demo-source-bucket","csvDataset/","0","2022-11-16T00:27:19.000Z"` + "\n" +
				`"amzn-s3-demo-source-bucket","csvDataset/titles.csv","3399671","2022-11-16T00:29:32.000Z"` + "\n"),
		"amzn-s3-demo-bucket/destination-prefix/data/second.csv.gz": gzipped(
			`"amzn-s3-demo-source-bucket","imageDataset/n02085620_10074.jpg","27034","2022-11-15T20:02:16.000Z"` + "\n"),
		"bad/manifest.json":      `{"fileFormat": "ORC", "fileSchema": "Bucket, Key", "files": []}`,
		"noschema/manifest.json": `{"fileFormat": "CSV", "files": []}`,
		"broken/manifest.json":   `{"fileFormat": `,
		"lost/manifest.json":     `{"destinationBucket": "arn:aws:s3:::amzn-s3-demo-inventory", "fileFormat": "CSV", "fileSchema": "Bucket, Key", "files": [{"key": "gone.csv.gz"}]}`,
	}})
	params := map[string]any{"Bucket": "amzn-s3-demo-inventory", "Key": "destination-prefix/amzn-s3-demo-bucket/config-id/2022-11-16T00-00Z/manifest.json"}
	want := []any{
		row("Bucket", "amzn-s3-demo-source-bucket", "Key", "csvDataset/", "Size", "0", "LastModifiedDate", "2022-11-16T00:27:19.000Z"),
		// The child input of AWS's example.
		row("LastModifiedDate", "2022-11-16T00:29:32.000Z", "Bucket", "amzn-s3-demo-source-bucket", "Size", "3399671", "Key", "csvDataset/titles.csv"),
		row("Bucket", "amzn-s3-demo-source-bucket", "Key", "imageDataset/n02085620_10074.jpg", "Size", "27034", "LastModifiedDate", "2022-11-15T20:02:16.000Z"),
	}
	for _, cfg := range []ReaderConfig{{InputType: "MANIFEST"}, {ManifestType: "S3_INVENTORY"}, {InputType: "MANIFEST", ManifestType: "S3_INVENTORY"}} {
		items, origins, err := readAll(t, objs, ReaderSpec{Resource: getObject, Parameters: params, Config: cfg})
		require.NoError(t, err)
		assert.Equal(t, want, items)
		assert.Equal(t, "S3://amzn-s3-demo-inventory/amzn-s3-demo-bucket/destination-prefix/data/second.csv.gz", origins[2].Source)
	}
	items, _, err := readAll(t, objs, ReaderSpec{Resource: getObject, Parameters: params, Config: ReaderConfig{InputType: "MANIFEST", MaxItems: 2}})
	require.NoError(t, err)
	assert.Equal(t, want[:2], items)

	for _, tc := range []struct{ key, want string }{
		{"bad/manifest.json", `The S3 inventory s3://amzn-s3-demo-inventory/bad/manifest.json is in the "ORC" format: a Map reads CSV inventories only`},
		{"noschema/manifest.json", "has no fileSchema"},
		{"broken/manifest.json", "The S3 inventory manifest s3://amzn-s3-demo-inventory/broken/manifest.json is not valid"},
		{"lost/manifest.json", "The specified key does not exist (bucket amzn-s3-demo-inventory, key gone.csv.gz)"},
	} {
		t.Run(tc.key, func(t *testing.T) {
			_, _, err := readAll(t, objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "amzn-s3-demo-inventory", "Key": tc.key},
				Config: ReaderConfig{InputType: "MANIFEST"}})
			requireFailure(t, err, failure.ItemReaderFailed, tc.want)
		})
	}
}

func TestAthenaManifest(t *testing.T) {
	objs := newObjects(map[string]map[string]string{
		"results": {
			"q1-manifest.csv":  "s3://data/unload/q1_00000.gz\n\nS3://data/unload/q1_00001\n",
			"q2-manifest.csv":  "s3://data/unload/lines_0.gz\n",
			"bad-manifest.csv": "s3://data/unload/q1_00001\nnot a uri\n",
		},
		"data": {
			"unload/q1_00000.gz": gzipped("1,Alice\n2,Bob\n"),
			"unload/q1_00001":    "3,Carol\n",
			"unload/lines_0.gz":  gzipped("{\"id\":1}\n{\"id\":2}\n"),
		},
	})
	items, origins, err := readAll(t, objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "results", "Key": "q1-manifest.csv"},
		Config: ReaderConfig{ManifestType: "ATHENA_DATA", InputType: "CSV", CSVHeaderLocation: "GIVEN", CSVHeaders: []string{"id", "name"}}})
	require.NoError(t, err)
	assert.Equal(t, []any{row("id", "1", "name", "Alice"), row("id", "2", "name", "Bob"), row("id", "3", "name", "Carol")}, items)
	assert.Equal(t, []string{"S3://data/unload/q1_00000.gz", "S3://data/unload/q1_00000.gz", "S3://data/unload/q1_00001"},
		[]string{origins[0].Source, origins[1].Source, origins[2].Source})

	items, _, err = readAll(t, objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "results", "Key": "q2-manifest.csv"},
		Config: ReaderConfig{ManifestType: "ATHENA_DATA", InputType: "JSONL"}})
	require.NoError(t, err)
	assert.Equal(t, []any{map[string]any{"id": int64(1)}, map[string]any{"id": int64(2)}}, items)

	items, _, err = readAll(t, objs, ReaderSpec{Resource: getObject, Parameters: map[string]any{"Bucket": "results", "Key": "bad-manifest.csv"},
		Config: ReaderConfig{ManifestType: "ATHENA_DATA", InputType: "CSV", CSVHeaderLocation: "GIVEN", CSVHeaders: []string{"id", "name"}}})
	requireFailure(t, err, failure.ItemReaderFailed, `Line 2 of the Athena manifest s3://results/bad-manifest.csv is not an S3 URI: "not a uri"`)
	assert.Len(t, items, 1)
}
