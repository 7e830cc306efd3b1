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

// DirOrDefault returns the library in dir (LoadDir), or the embedded one
// (Default) when dir is "": what --tracks and DRIPLINE_TRACKS select.
func DirOrDefault(dir string, opts Options) (*Library, error) {
	if dir != "" {
		return LoadDir(dir, opts)
	}
	return Default(opts)
}
