package tracks

import "embed"

//go:embed library/*.yaml
var library embed.FS

// Default returns the library embedded in the binary: General Interest, the
// Industry tracks, Value-Add, Event, Lost Sale, After-Sale and the automatic
// letters (tracks/library/*.yaml).
func Default(opts Options) (*Library, error) {
	return loadFS(library, "library/*.yaml", opts)
}
