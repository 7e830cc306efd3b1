package metrics

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
)

// Check is one thing readiness depends on: Fn returns nil when it is fine.
type Check struct {
	Name string
	Fn   func(ctx context.Context) error
}

// readiness is /readyz's answer: "ok" or what is wrong, by check.
type readiness struct {
	Ready  bool              `json:"ready"`
	Checks map[string]string `json:"checks"`
}

// Ready serves /readyz: it runs every check at once, each within
// scrapeTimeout, and answers 200 when all pass, else 503; the JSON body says
// which check failed and why.
func Ready(checks ...Check) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), scrapeTimeout)
		defer cancel()
		res := readiness{Ready: true, Checks: make(map[string]string, len(checks))}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, c := range checks {
			wg.Go(func() {
				err := c.Fn(ctx)
				mu.Lock()
				defer mu.Unlock()
				res.Checks[c.Name] = "ok"
				if err != nil {
					res.Checks[c.Name], res.Ready = err.Error(), false
				}
			})
		}
		wg.Wait()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if !res.Ready {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(res)
	})
}
