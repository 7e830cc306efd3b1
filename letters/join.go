package letters

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
)

// joiner writes one PDF made of the pages of several gofpdf documents,
// appending each document's objects as it comes and keeping only the
// objects' offsets and the page list in memory. gofpdf holds a whole
// document in memory until its Output, so a large batch renders in chunks
// of a few hundred pages, each joined here and dropped.
//
// It reads gofpdf's own output, which it knows: a classic cross-reference
// table, no object streams, object 1 the page tree, the trailer naming the
// catalog and the info dictionary.
type joiner struct {
	w       *bufio.Writer
	off     int64   // bytes written so far
	offsets []int64 // offsets[n] is where object n starts
	kids    []int   // the page objects, in order
	zw      *zlib.Writer
	zbuf    bytes.Buffer
	err     error
}

// The objects the joiner writes itself.
const (
	rootObj    = 1 // the page tree
	catalogObj = 2
)

func newJoiner(w io.Writer) *joiner {
	j := &joiner{w: bufio.NewWriterSize(w, 64<<10), offsets: make([]int64, catalogObj+1)}
	j.write([]byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"))
	return j
}

func (j *joiner) write(b []byte) {
	if j.err != nil {
		return
	}
	n, err := j.w.Write(b)
	j.off += int64(n)
	j.err = err
}

var (
	startxrefRe = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	xrefRe      = regexp.MustCompile(`^xref\s+0 (\d+)\s+`)
	refRe       = regexp.MustCompile(`\b(\d+) 0 R\b`)
	kidsRe      = regexp.MustCompile(`/Kids \[([^\]]*)\]`)
	rootRe      = regexp.MustCompile(`/Root (\d+) 0 R`)
	infoRe      = regexp.MustCompile(`/Info (\d+) 0 R`)
)

// add appends the pages of pdf, a complete document gofpdf wrote.
func (j *joiner) add(pdf []byte) error {
	objs, trailer, err := splitObjects(pdf)
	if err != nil {
		return fmt.Errorf("join chunk: %w", err)
	}
	drop := map[int]bool{rootObj: true}
	for _, re := range []*regexp.Regexp{rootRe, infoRe} {
		if m := re.FindSubmatch(trailer); m != nil {
			n, _ := strconv.Atoi(string(m[1]))
			drop[n] = true
		}
	}
	renum := map[int]int{rootObj: rootObj}
	for n := range objs {
		if objs[n] != nil && !drop[n] {
			renum[n] = len(j.offsets)
			j.offsets = append(j.offsets, 0)
		}
	}
	kids := kidsRe.FindSubmatch(objs[rootObj])
	if kids == nil {
		return fmt.Errorf("join chunk: no page list in object %d", rootObj)
	}
	for _, m := range refRe.FindAllSubmatch(kids[1], -1) {
		n, _ := strconv.Atoi(string(m[1]))
		j.kids = append(j.kids, renum[n])
	}
	for n, body := range objs {
		if body == nil || drop[n] {
			continue
		}
		j.offsets[renum[n]] = j.off
		j.object(renum[n], body, renum)
	}
	return j.err
}

// object writes body, an object's text after its "N 0 obj" line, as object
// n, renumbering the references in its dictionary (not in its stream) and
// compressing a stream gofpdf left plain.
func (j *joiner) object(n int, body []byte, renum map[int]int) {
	dict, stream := body, []byte(nil)
	if i := bytes.Index(body, []byte("stream\n")); i >= 0 {
		dict, stream = body[:i], body[i:]
	}
	dict = refRe.ReplaceAllFunc(dict, func(ref []byte) []byte {
		old, _ := strconv.Atoi(string(ref[:bytes.IndexByte(ref, ' ')]))
		return []byte(strconv.Itoa(renum[old]) + " 0 R")
	})
	j.write([]byte(strconv.Itoa(n) + " 0 obj\n"))
	if stream == nil || bytes.Contains(dict, []byte("/Filter")) {
		j.write(dict)
		j.write(stream)
		return
	}
	j.deflated(dict, stream)
}

var lengthRe = regexp.MustCompile(`/Length (\d+)`)

// deflated writes a plain stream's dictionary and stream compressed, with
// one zlib writer for the whole batch (gofpdf makes a new one, a large
// allocation, for every page).
func (j *joiner) deflated(dict, stream []byte) {
	m := lengthRe.FindSubmatchIndex(dict)
	data := stream[len("stream\n"):]
	size := 0
	if m != nil {
		size, _ = strconv.Atoi(string(dict[m[2]:m[3]]))
	}
	if m == nil || size > len(data) {
		j.write(dict)
		j.write(stream)
		return
	}
	j.zbuf.Reset()
	if j.zw == nil {
		j.zw, _ = zlib.NewWriterLevel(&j.zbuf, zlib.BestSpeed)
	} else {
		j.zw.Reset(&j.zbuf)
	}
	_, _ = j.zw.Write(data[:size]) // writes to a bytes.Buffer do not fail
	_ = j.zw.Close()
	j.write(dict[:m[0]])
	j.write([]byte("/Filter /FlateDecode /Length " + strconv.Itoa(j.zbuf.Len())))
	j.write(dict[m[1]:])
	j.write([]byte("stream\n"))
	j.write(j.zbuf.Bytes())
	j.write(data[size:])
}

// splitObjects returns the text of each object of pdf after its "N 0 obj"
// line, indexed by object number (nil for numbers not in use), and the
// trailer.
func splitObjects(pdf []byte) ([][]byte, []byte, error) {
	m := startxrefRe.FindSubmatch(pdf)
	if m == nil {
		return nil, nil, fmt.Errorf("no startxref")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if xref <= 0 || xref >= len(pdf) {
		return nil, nil, fmt.Errorf("startxref %d out of range", xref)
	}
	h := xrefRe.FindSubmatch(pdf[xref:])
	if h == nil {
		return nil, nil, fmt.Errorf("no xref table at %d", xref)
	}
	count, _ := strconv.Atoi(string(h[1]))
	table := pdf[xref+len(h[0]):]
	if len(table) < 20*count {
		return nil, nil, fmt.Errorf("xref table cut short")
	}
	starts := make([]int, count)
	for n := 1; n < count; n++ {
		e := table[20*n : 20*n+20]
		if e[17] == 'n' {
			starts[n], _ = strconv.Atoi(string(e[:10]))
		}
	}
	order := slices.Sorted(func(yield func(int) bool) {
		for _, s := range starts {
			if s > 0 && !yield(s) {
				return
			}
		}
	})
	objs := make([][]byte, count)
	for n, s := range starts {
		if s <= 0 {
			continue
		}
		i, _ := slices.BinarySearch(order, s)
		end := xref
		if i+1 < len(order) {
			end = order[i+1]
		}
		head := []byte(strconv.Itoa(n) + " 0 obj\n")
		if s >= end || !bytes.HasPrefix(pdf[s:end], head) {
			return nil, nil, fmt.Errorf("object %d not at offset %d", n, s)
		}
		objs[n] = pdf[s+len(head) : end]
	}
	return objs, pdf[xref+len(h[0])+20*count:], nil
}

// close writes the page tree, the catalog, the cross-reference table and
// the trailer, and flushes.
func (j *joiner) close() error {
	var b bytes.Buffer
	j.offsets[rootObj] = j.off
	fmt.Fprintf(&b, "%d 0 obj\n<</Type /Pages\n/Kids [", rootObj)
	for _, k := range j.kids {
		fmt.Fprintf(&b, "%d 0 R ", k)
	}
	fmt.Fprintf(&b, "]\n/Count %d\n/MediaBox [0 0 %.2f %.2f]\n>>\nendobj\n", len(j.kids), usLetter.Wd, usLetter.Ht)
	j.write(b.Bytes())
	j.offsets[catalogObj] = j.off
	j.write(fmt.Appendf(nil, "%d 0 obj\n<</Type /Catalog\n/Pages %d 0 R\n>>\nendobj\n", catalogObj, rootObj))
	xref := j.off
	b.Reset()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(j.offsets))
	for _, o := range j.offsets[1:] {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<<\n/Size %d\n/Root %d 0 R\n>>\nstartxref\n%d\n%%%%EOF\n", len(j.offsets), catalogObj, xref)
	j.write(b.Bytes())
	if j.err == nil {
		j.err = j.w.Flush()
	}
	return j.err
}
