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

// chunk is a document gofpdf wrote, taken apart for the joiner: its
// objects by number, with the plain streams compressed, the objects the
// joiner leaves out (the page tree, the catalog, the info dictionary) and
// its pages in order.
type chunk struct {
	objs []object // by object number; unused numbers are zero
	drop map[int]bool
	kids []int
}

// object is one object's text after its "N 0 obj" line: the dictionary,
// then the stream (if any) to the end of the object.
type object struct{ dict, stream []byte }

// readChunk takes pdf, a complete document gofpdf wrote, apart, compressing
// the streams gofpdf left plain (it would make a zlib writer, a large
// allocation, for every page; this makes one a chunk). Workers call it, so
// compression runs in parallel.
func readChunk(pdf []byte) (*chunk, error) {
	bodies, trailer, err := splitObjects(pdf)
	if err != nil {
		return nil, err
	}
	c := &chunk{objs: make([]object, len(bodies)), drop: map[int]bool{rootObj: true}}
	for _, re := range []*regexp.Regexp{rootRe, infoRe} {
		if m := re.FindSubmatch(trailer); m != nil {
			n, _ := strconv.Atoi(string(m[1]))
			c.drop[n] = true
		}
	}
	if len(bodies) <= rootObj || bodies[rootObj] == nil {
		return nil, fmt.Errorf("no page tree, object %d", rootObj)
	}
	kids := kidsRe.FindSubmatch(bodies[rootObj])
	if kids == nil {
		return nil, fmt.Errorf("no page list in object %d", rootObj)
	}
	for _, m := range refRe.FindAllSubmatch(kids[1], -1) {
		n, _ := strconv.Atoi(string(m[1]))
		c.kids = append(c.kids, n)
	}
	var z deflater
	for n, body := range bodies {
		if body == nil || c.drop[n] {
			continue
		}
		o := object{dict: body}
		if i := bytes.Index(body, []byte("stream\n")); i >= 0 {
			o = object{dict: body[:i], stream: body[i:]}
		}
		if o.stream != nil && !bytes.Contains(o.dict, []byte("/Filter")) {
			o = z.deflate(o)
		}
		c.objs[n] = o
	}
	return c, nil
}

// add appends the objects and pages of c, renumbered after those already
// written.
func (j *joiner) add(c *chunk) error {
	renum := make([]int, len(c.objs))
	for n, o := range c.objs {
		if n == rootObj {
			renum[n] = rootObj
		} else if o.dict != nil {
			renum[n] = len(j.offsets)
			j.offsets = append(j.offsets, 0)
		}
	}
	for _, k := range c.kids {
		if k >= len(renum) || renum[k] == 0 {
			return fmt.Errorf("join chunk: page %d is not an object", k)
		}
		j.kids = append(j.kids, renum[k])
	}
	for n, o := range c.objs {
		if o.dict == nil {
			continue
		}
		j.offsets[renum[n]] = j.off
		j.write([]byte(strconv.Itoa(renum[n]) + " 0 obj\n"))
		j.write(refRe.ReplaceAllFunc(o.dict, func(ref []byte) []byte {
			old, _ := strconv.Atoi(string(ref[:bytes.IndexByte(ref, ' ')]))
			if old < len(renum) {
				old = renum[old]
			}
			return []byte(strconv.Itoa(old) + " 0 R")
		}))
		j.write(o.stream)
	}
	return j.err
}

var lengthRe = regexp.MustCompile(`/Length (\d+)`)

// deflater compresses streams with one zlib writer.
type deflater struct {
	zw  *zlib.Writer
	buf bytes.Buffer
}

// deflate returns o with its stream compressed and its dictionary saying
// so, or o unchanged when its /Length does not match its stream.
func (z *deflater) deflate(o object) object {
	m := lengthRe.FindSubmatchIndex(o.dict)
	data := o.stream[len("stream\n"):]
	size := -1
	if m != nil {
		size, _ = strconv.Atoi(string(o.dict[m[2]:m[3]]))
	}
	if size < 0 || size > len(data) {
		return o
	}
	z.buf.Reset()
	if z.zw == nil {
		z.zw, _ = zlib.NewWriterLevel(&z.buf, zlib.BestSpeed)
	} else {
		z.zw.Reset(&z.buf)
	}
	_, _ = z.zw.Write(data[:size]) // writes to a bytes.Buffer do not fail
	_ = z.zw.Close()
	dict := fmt.Appendf(nil, "%s/Filter /FlateDecode /Length %d%s", o.dict[:m[0]], z.buf.Len(), o.dict[m[1]:])
	stream := append(append([]byte("stream\n"), z.buf.Bytes()...), data[size:]...)
	return object{dict: dict, stream: stream}
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
