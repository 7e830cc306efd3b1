package engine

import (
	"reflect"
	"testing"

	"github.com/dripline/dripline/templates"
)

// The sample dispatch must carry every field of the sample merge data, so a
// field added to both MergeData and templates.Sample cannot be left out of
// previews.
func TestSampleDispatchMergesTheSample(t *testing.T) {
	want := templates.Sample()
	want.UnsubscribeURL = ""
	if got := SampleDispatch().MergeData(); !reflect.DeepEqual(got, want) {
		t.Errorf("SampleDispatch().MergeData() =\n%+v\nwant templates.Sample() without the unsubscribe link:\n%+v", got, want)
	}
}
