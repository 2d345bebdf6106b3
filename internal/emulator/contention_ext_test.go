package emulator_test

import (
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/emulator"
)

// The case the fidelity contract describes: ten parallel writers at
// -latency 20ms -lock-scope account, without any mutation hold, conflict.
// The requests are signed by the SDK's signing function but sent with
// net/http: the SDK's own client races with itself when used in parallel.
func TestContention_parallelWritersAtLatency(t *testing.T) {
	s := emulator.NewServer(t, emulator.WithSettings(func(cfg *emulator.Settings) {
		cfg.Latency = 20 * time.Millisecond
		cfg.LockScope = emulator.LockPerAccount
	}))
	names := []string{"Wa", "Wb", "Wc", "Wd", "We", "Wf", "Wg", "Wh", "Wi", "Wj"}
	var (
		wg         sync.WaitGroup
		start      = make(chan struct{})
		mu         sync.Mutex
		ok, refuse int
	)
	for _, name := range names {
		req := signedRequest(t, s.URL, "AddMessageContact", map[string]string{
			"Name": name, "EmailAddress": name + "@example.com", "Title": "TechnicalDirector", "MessageTypes.1": "AccountExpenses",
		})
		wg.Go(func() {
			<-start
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				return
			}
			defer resp.Body.Close()
			var body struct{ Code string }
			_ = json.NewDecoder(resp.Body).Decode(&body)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case resp.StatusCode == http.StatusOK:
				ok++
			case resp.StatusCode == http.StatusTooManyRequests && body.Code == "ConcurrentCallNotSupported":
				refuse++
			default:
				t.Errorf("%s: HTTP %d %s", name, resp.StatusCode, body.Code)
			}
		})
	}
	close(start)
	wg.Wait()
	t.Logf("%d created, %d refused with 429", ok, refuse)
	if ok == 0 || refuse == 0 || ok+refuse != len(names) {
		t.Fatalf("%d created, %d refused with 429: want some of each", ok, refuse)
	}
	if st := s.Stats(); st.Conflicts["AddMessageContact"] != refuse || st.MaxConcurrentMutations != 1 || s.Len() != ok {
		t.Errorf("stats = %+v, contacts = %d; want %d conflicts, one writer at a time, %d contacts", st, s.Len(), refuse, ok)
	}
}
