package rdapi

import (
	"context"
	"time"
)

// inExchange puts x in ctx as call does, for tests of the retry hooks.
func inExchange(ctx context.Context, x *exchange) context.Context {
	return context.WithValue(ctx, exchangeKey{}, x)
}

// SkipWaits is an Options mutator for tests (of this package and rdapi_test)
// whose retries and polls need not wait out real server hints: the client's
// sleeper returns at once, unless ctx has ended.
func SkipWaits(o *Options) {
	o.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
}
