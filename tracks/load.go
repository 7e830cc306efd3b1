package tracks

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// LoadDir reads every *.yaml and *.yml file in dir (not its subfolders) and
// checks them as one library. Problems in all files are returned together as
// an ErrorList.
func LoadDir(dir string, opts Options) (*Library, error) {
	return LoadFiles([]string{dir}, opts)
}

// LoadFiles reads track files and folders (each folder's *.yaml and *.yml
// files) and checks them as one library. Every problem in every file, and
// every file or folder that cannot be read, is returned together as an
// ErrorList. A folder without track files is a problem: an empty library
// would silently enroll nobody.
func LoadFiles(paths []string, opts Options) (*Library, error) {
	var l loader
	seen := map[string]bool{}
	for _, path := range paths {
		files, err := trackFiles(path)
		if err != nil {
			l.errs.add(Pos{File: path}, "%s", err)
			continue
		}
		for _, f := range files {
			if seen[filepath.Clean(f)] {
				continue
			}
			seen[filepath.Clean(f)] = true
			src, err := readTrackFile(func() (fs.File, error) { return os.Open(f) })
			if err != nil {
				l.errs.add(Pos{File: f}, "cannot read: %s", pathErr(err))
				continue
			}
			l.parse(f, src)
		}
	}
	return l.library(opts)
}

// trackFiles returns the track files of a folder, sorted, or the path itself
// when it is a file.
func trackFiles(path string) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, errors.New("cannot read: " + pathErr(err))
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, errors.New("cannot read folder: " + pathErr(err))
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && isTrackFile(e.Name()) {
			files = append(files, filepath.Join(path, e.Name()))
		}
	}
	if len(files) == 0 {
		return nil, errors.New("no track files: expected *.yaml or *.yml files in the folder")
	}
	return files, nil
}

func isTrackFile(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

// pathErr drops the path from an *fs.PathError: the position names it.
func pathErr(err error) string {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// loader parses files one by one, then checks the tracks as a library.
type loader struct {
	tracks []*Track
	errs   ErrorList
}

func (l *loader) parse(file string, src []byte) {
	t, errs := parseTrack(file, src)
	if len(errs) > 0 {
		l.errs = append(l.errs, errs...)
		return
	}
	l.tracks = append(l.tracks, t)
}

// library checks the parsed tracks together. When some file could not be
// read or parsed, a then: naming an unknown track may name that file's.
func (l *loader) library(opts Options) (*Library, error) {
	lib, errs := newLibrary(l.tracks, opts, len(l.errs) > 0)
	l.errs = append(l.errs, errs...)
	if len(l.errs) > 0 {
		l.errs.sort()
		return nil, l.errs
	}
	return lib, nil
}

// loadFS reads the track files matching pattern in fsys as one library.
func loadFS(fsys fs.FS, pattern string, opts Options) (*Library, error) {
	var l loader
	files, err := fs.Glob(fsys, pattern)
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	for _, f := range files {
		src, err := readTrackFile(func() (fs.File, error) { return fsys.Open(f) })
		if err != nil {
			return nil, err
		}
		l.parse(f, src)
	}
	return l.library(opts)
}
