package console

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBundleIsFresh: dist/ was built from the sources in web/ as they are (web/build.mjs records their
// digest), so that a change to the page cannot ship without its bundle.
func TestBundleIsFresh(t *testing.T) {
	files := []string{"build.mjs", "index.html", "package-lock.json", "style.css"}
	scripts, err := filepath.Glob(filepath.Join("web", "src", "*.js"))
	require.NoError(t, err)
	for _, f := range scripts {
		files = append(files, "src/"+filepath.Base(f))
	}
	slices.Sort(files)
	h := sha256.New()
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join("web", f))
		require.NoError(t, err)
		h.Write([]byte(f + "\x00"))
		h.Write(data)
		h.Write([]byte("\x00"))
	}
	recorded, err := dist.ReadFile("dist/sources.sha256")
	require.NoError(t, err)
	assert.Equal(t, strings.TrimSpace(string(recorded)), hex.EncodeToString(h.Sum(nil)),
		"server/console/web changed since dist/ was built: run go generate ./server/console")
}
