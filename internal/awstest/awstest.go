// Package awstest is what tests that talk to AWS's APIs share: an environment that points the SDK at a
// local endpoint and never at AWS, and moto's server as a local S3 (and more).
package awstest

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"
)

// IsolateEnv points the SDK at a local endpoint (AWS_ENDPOINT_URL) with dummy credentials and nothing from
// the machine's own configuration, so that no test reaches AWS. The variables are restored after the test.
func IsolateEnv(t testing.TB, endpoint string) {
	t.Helper()
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION", "AWS_ROLE_ARN",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL_SNS",
		"AWS_ENDPOINT_URL_S3", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"} {
		t.Setenv(k, "") // restored after the test
		require.NoError(t, os.Unsetenv(k))
	}
	none := filepath.Join(t.TempDir(), "none")
	t.Setenv("AWS_CONFIG_FILE", none)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", none)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
}

// StartMoto runs moto's server (python3 -m moto.server) on a free loopback port until the test ends and
// returns its URL. It skips the test where moto is not installed, unless CI is set: CI must run it.
func StartMoto(t testing.TB) string {
	t.Helper()
	python, err := exec.LookPath("python3")
	if err == nil {
		err = exec.Command(python, "-c", "import moto.server").Run()
	}
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("python3 with moto is not installed (pip install 'moto[server]'), so this is not tested against it: %v", err)
		}
		t.Fatalf("CI is set but python3 with moto is not installed: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	var out bytes.Buffer
	cmd := exec.Command(python, "-m", "moto.server", "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	require.Eventually(t, func() bool {
		resp, err := http.Get(url + "/moto-api/")
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return true
	}, 30*time.Second, 50*time.Millisecond, "moto did not start: %s", &out)
	return url
}

// MotoS3 starts moto (StartMoto) as the environment's S3 and nothing else (AWS_ENDPOINT_URL_S3; every other
// service's endpoint is refused) and returns an S3 client on it, for a test to lay out buckets with.
func MotoS3(t testing.TB) *s3.Client {
	t.Helper()
	url := StartMoto(t)
	IsolateEnv(t, "http://127.0.0.1:1") // nothing listens there: only S3's own endpoint may be used
	t.Setenv("AWS_ENDPOINT_URL_S3", url)
	cfg, err := config.LoadDefaultConfig(context.Background())
	require.NoError(t, err)
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
}
