package awscall

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// sign signs a request with Signature V4: the SDK's signer, a small package of the SDK's core module,
// unlike the service clients, whose package initialisation cost a third of aslrun's start-up.
func sign(ctx context.Context, req *request, creds aws.Credentials, service, region string, now time.Time) error {
	payload := req.hash
	if payload == "" {
		hash := sha256.Sum256(req.body)
		payload = hex.EncodeToString(hash[:])
	}
	if service == "s3" {
		req.http.Header.Set("X-Amz-Content-Sha256", payload) // S3 requires it; the signer covers it
	}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req.http, payload, service, region, now.UTC()); err != nil {
		return fmt.Errorf("signing the request: %w", err)
	}
	return nil
}

// stream makes body, from where it stands, the request's body: hashed first, then sent.
func (r *request) stream(body io.ReadSeeker) error {
	at, err := body.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(h, body)
	if err != nil {
		return err
	}
	if _, err := body.Seek(at, io.SeekStart); err != nil {
		return err
	}
	r.hash = hex.EncodeToString(h.Sum(nil))
	r.http.Body = io.NopCloser(body)
	r.http.ContentLength = n
	r.http.GetBody = nil
	return nil
}
