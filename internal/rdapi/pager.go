package rdapi

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strconv"
)

// pageReply is the paging envelope shared by ListMessageContacts and
// ListMessageContactVerifications.
type pageReply struct {
	RequestID  string `json:"RequestId"`
	TotalCount int    `json:"TotalCount"`
	PageNumber int    `json:"PageNumber"`
	PageSize   int    `json:"PageSize"`
}

// paginate yields the items of a PageNumber/PageSize/TotalCount list lazily:
// a page is fetched only when the consumer has ranged over the previous one,
// unless ahead > 0 (see below). It never mutates base. It reads at most
// MaxListPages pages. It stops when a page is empty or short, when
// page*size reaches TotalCount, or when a page brings nothing new (a server
// that ignores PageNumber would otherwise be read forever); items seen on an
// earlier page (offset paging shifts when others write) are yielded once.
//
// With ahead > 0, once a page has shown that the list goes on, up to ahead
// of the following pages that its TotalCount announces are fetched
// concurrently, and still yielded in page order by the same rules: a
// consumer that reads the whole list (the snapshot) waits for one round
// trip instead of one per page. A page is still requested at most once; a
// list that ends earlier than announced (contacts deleted meanwhile) or a
// consumer that stops early leaves at most ahead requests unused.
func paginate[R any, T any](ctx context.Context, c *Client, action string, base url.Values, size, ahead int,
	page func(*R) (pageReply, []T), key func(T) string,
) iter.Seq2[T, error] {
	if size <= 0 {
		size = c.pageSize
	}
	size = min(size, MaxPageSize)
	fetch := func(ctx context.Context, n int) (*R, error) {
		q := make(url.Values, len(base)+2)
		for k, v := range base {
			q[k] = v
		}
		q.Set("PageNumber", strconv.Itoa(n))
		q.Set("PageSize", strconv.Itoa(size))
		return call[R](ctx, c, action, q)
	}
	type fetched struct {
		r   *R
		err error
	}
	return func(yield func(T, error) bool) {
		var zero T
		ctx, cancel := context.WithCancel(ctx)
		defer cancel() // requests still ahead are not needed any more
		seen := make(map[string]struct{})
		// queue holds the pages n+1 .. requested, already on their way.
		var queue []chan fetched
		requested := 0
		for n := 1; ; n++ {
			if n > c.maxPages {
				yield(zero, fmt.Errorf("%s: stopped after %d pages (%d items): the server keeps sending pages beyond "+
					"any plausible list; the client reads at most %d pages of one list", action, c.maxPages, len(seen), c.maxPages))
				return
			}
			var (
				r   *R
				err error
			)
			if len(queue) > 0 {
				got := <-queue[0]
				queue = queue[1:]
				r, err = got.r, got.err
			} else {
				r, err = fetch(ctx, n)
				requested = n
			}
			if err != nil {
				yield(zero, err)
				return
			}
			info, items := page(r)
			fresh := 0
			for _, it := range items {
				k := key(it)
				if _, dup := seen[k]; dup {
					continue
				}
				seen[k] = struct{}{}
				fresh++
				if !yield(it, nil) {
					return
				}
			}
			// A server may cap PageSize below what was asked; page with its size.
			eff := size
			if info.PageSize > 0 && info.PageSize < size {
				eff = info.PageSize
			}
			switch {
			case len(items) == 0, len(items) < eff, n*eff >= info.TotalCount:
				return
			case fresh == 0:
				yield(zero, fmt.Errorf("%s: page %d repeats earlier items although TotalCount is %d; stopping (RequestId %s)",
					action, n, info.TotalCount, info.RequestID))
				return
			}
			last := min((info.TotalCount+eff-1)/eff, c.maxPages)
			for requested < last && requested-n < ahead {
				requested++
				ch := make(chan fetched, 1)
				go func(m int) {
					r, err := fetch(ctx, m)
					ch <- fetched{r, err}
				}(requested)
				queue = append(queue, ch)
			}
		}
	}
}
