package awscall

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// sign signs a request with Signature V4: the SDK's signer, a small package of the SDK's core module,
// unlike the service clients, whose package initialisation cost a third of aslrun's start-up.
func sign(ctx context.Context, req *request, creds aws.Credentials, service, region string, now time.Time) error {
	hash := sha256.Sum256(req.body)
	payload := hex.EncodeToString(hash[:])
	if service == "s3" {
		req.http.Header.Set("X-Amz-Content-Sha256", payload) // S3 requires it; the signer covers it
	}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req.http, payload, service, region, now.UTC()); err != nil {
		return fmt.Errorf("signing the request: %w", err)
	}
	return nil
}
