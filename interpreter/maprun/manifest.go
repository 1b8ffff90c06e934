package maprun

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"strings"
)

// inventoryManifest is the manifest.json of an S3 inventory report, the fields a Map uses.
type inventoryManifest struct {
	DestinationBucket string `json:"destinationBucket"`
	FileFormat        string `json:"fileFormat"`
	FileSchema        string `json:"fileSchema"`
	Files             []struct {
		Key string `json:"key"`
	} `json:"files"`
}

// openInventory reads an S3 inventory: its manifest.json lists gzipped CSV files, without a header
// row, in the destination bucket; each row is an item whose fields are named by the manifest's
// fileSchema ("Bucket, Key, Size, LastModifiedDate"), every value a string, as AWS shows.
func openInventory(ctx context.Context, objs Objects, bucket, key string, cfg *ReaderConfig) (Items, error) {
	f := file{bucket, key}
	body, _, err := objs.Get(ctx, bucket, key)
	if err != nil {
		return nil, objectFailed(err, f)
	}
	var m inventoryManifest
	err = json.NewDecoder(io.LimitReader(body, maxItemBytes)).Decode(&m)
	body.Close()
	if err != nil {
		return nil, readerFailed("The S3 inventory manifest %s is not valid: %v", f.uri(), err)
	}
	if !strings.EqualFold(m.FileFormat, "CSV") {
		return nil, readerFailed("The S3 inventory %s is in the %q format: a Map reads CSV inventories only", f.uri(), m.FileFormat)
	}
	var schema []string
	for _, h := range strings.Split(m.FileSchema, ",") {
		if h = strings.TrimSpace(h); h != "" {
			schema = append(schema, h)
		}
	}
	if len(schema) == 0 {
		return nil, readerFailed("The S3 inventory manifest %s has no fileSchema", f.uri())
	}
	opts, err := csvOptionsOf(cfg, schema)
	if err != nil {
		return nil, err
	}
	// The data files are in the destination bucket, named by its ARN.
	dest := bucket
	if name, ok := strings.CutPrefix(m.DestinationBucket, "arn:"); ok {
		if i := strings.Index(name, ":::"); i >= 0 {
			dest = name[i+3:]
		}
	}
	i := 0
	open := func() (Items, error) {
		if i == len(m.Files) {
			return nil, io.EOF
		}
		data := file{dest, m.Files[i].Key}
		i++
		body, _, err := objs.Get(ctx, data.bucket, data.key)
		if err != nil {
			return nil, objectFailed(err, data)
		}
		r, err := decompress(body, data)
		if err != nil {
			return nil, err
		}
		return openCSV(r, data, opts)
	}
	return &chain{open: open, done: func() error { return nil }}, nil
}

// openAthena reads an Athena data manifest, the list of S3 URIs an UNLOAD query wrote, one a line,
// and then each data file in the format cfg.InputType.
func openAthena(ctx context.Context, objs Objects, bucket, key string, cfg *ReaderConfig) (Items, error) {
	f := file{bucket, key}
	body, _, err := objs.Get(ctx, bucket, key)
	if err != nil {
		return nil, objectFailed(err, f)
	}
	r := bufio.NewReader(body)
	var buf []byte
	line := 0
	open := func() (Items, error) {
		for {
			text, err := readLine(r, &buf)
			line++
			if err != nil {
				if err != io.EOF {
					err = readerFailed("Reading %s failed: %v", f.uri(), err)
				}
				return nil, err
			}
			uri := strings.Trim(strings.TrimSpace(string(text)), `"`)
			if uri == "" {
				continue
			}
			data, ok := parseS3URI(uri)
			if !ok {
				return nil, readerFailed("Line %d of the Athena manifest %s is not an S3 URI: %q", line, f.uri(), uri)
			}
			return openFile(ctx, objs, data, cfg)
		}
	}
	return &chain{open: open, done: body.Close}, nil
}

// parseS3URI reads s3://bucket/key.
func parseS3URI(uri string) (file, bool) {
	if len(uri) < 5 || !strings.EqualFold(uri[:5], "s3://") {
		return file{}, false
	}
	bucket, key, ok := strings.Cut(uri[5:], "/")
	if !ok || bucket == "" || key == "" {
		return file{}, false
	}
	return file{bucket, key}, true
}
