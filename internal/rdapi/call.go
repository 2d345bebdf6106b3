package rdapi

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// maxReplyBody bounds a successful reply; a list page of 100 contacts is
// about 50 KiB.
const maxReplyBody = 8 << 20

// call sends action with params (all in the query, as the official SDK
// does), retrying as retryableReply and retryableTransport allow, and
// decodes a 2xx JSON reply into T. It is the one path every operation uses.
func call[T any](ctx context.Context, c *Client, action string, params url.Values) (*T, error) {
	return send[T](ctx, c, &exchange{action: action}, params)
}

// send is call with the exchange made by the caller, who reads what the
// attempts showed from it afterwards (write, AddMessageContact).
func send[T any](ctx context.Context, c *Client, x *exchange, params url.Values) (*T, error) {
	action := x.action
	req, err := retryablehttp.NewRequestWithContext(context.WithValue(ctx, exchangeKey{}, x), http.MethodPost, c.endpoint.String()+"?"+canonicalQuery(params), nil)
	if err != nil {
		return nil, fmt.Errorf("%s: building request: %w", action, err)
	}
	req.Header.Set(headerAction, action)
	req.Header.Set(headerVersion, APIVersion)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	resp, err := c.retry.Do(req)
	if resp != nil {
		defer func() {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxReplyBody))
			_ = resp.Body.Close()
		}()
	}
	if err != nil {
		if se, ok := errors.AsType[*signError](err); ok && c.credentialSource != "" {
			return nil, fmt.Errorf("%s: getting credentials from %s failed: %w", action, c.credentialSource, se.err)
		}
		if isConnRefused(err) && !x.ambiguous {
			return nil, c.refusedError(action, x.attempt, err)
		}
		if isUnresolvable(err) && !x.ambiguous {
			return nil, c.unresolvableError(action, err)
		}
		return nil, x.wrapFailure(c.explainTimeout(ctx, err, x.started))
	}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		apiErr := x.reply // checkRetry parsed it
		if apiErr == nil {
			apiErr = decodeError(action, resp)
		}
		apiErr.Hint = cmp.Or(c.credentialHint(apiErr.Code, signedKeyID(resp.Request)), denialHint(apiErr))
		return nil, x.giveUp(apiErr)
	}

	body, truncated, err := readBounded(resp.Body, maxReplyBody)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s: reading reply (HTTP %d, RequestId %q): %w", action, resp.StatusCode, x.requestID, c.explainTimeout(ctx, err, x.started))
	case truncated:
		return nil, fmt.Errorf("%s: reply exceeds %d bytes (HTTP %d, RequestId %q)", action, maxReplyBody, resp.StatusCode, x.requestID)
	}
	v := new(T)
	if err := json.Unmarshal(body, v); err != nil {
		return nil, fmt.Errorf("%s: decoding reply (HTTP %d, RequestId %q): %w; body: %s",
			action, resp.StatusCode, x.requestID, err, snippet(body, 200))
	}
	return v, nil
}

// wrapFailure explains a call that ended without a reply to decode: a
// transport error, or the context ending. When the context ended after an
// earlier attempt failed, both are reported (and both match errors.Is/As),
// so the user sees the API's answer, not only "context deadline exceeded".
func (x *exchange) wrapFailure(err error) error {
	ctxErr := errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
	switch {
	case ctxErr && x.last != nil && !errors.Is(x.last, context.Canceled) && !errors.Is(x.last, context.DeadlineExceeded):
		return fmt.Errorf("%s: %w after %d attempt(s); last failure: %w", x.action, err, x.attempt, x.last)
	default:
		return fmt.Errorf("%s: %w", x.action, x.giveUp(err))
	}
}

// explainTimeout says which limit a timeout error hit when it was the
// per-attempt one (Options.HTTPTimeout), not the caller's context: both
// read "context deadline exceeded".
// A body cut off by that timeout may also surface as a closed connection,
// hence the check of the attempt's age.
func (c *Client) explainTimeout(ctx context.Context, err error, started time.Time) error {
	var ne net.Error
	timedOut := errors.As(err, &ne) && ne.Timeout()
	if ctx.Err() != nil || (!timedOut && time.Since(started) < c.http.Timeout) {
		return err
	}
	return fmt.Errorf("%w (no complete reply within the per-attempt timeout of %s)", err, c.http.Timeout)
}

// flatten adds values as the 1-based repeat list name.1, name.2, … the API
// expects for array parameters.
func flatten(q url.Values, name string, values []string) {
	for i, v := range values {
		q.Set(name+"."+strconv.Itoa(i+1), v)
	}
}

// setIf adds name=value when value is not empty.
func setIf(q url.Values, name, value string) {
	if value != "" {
		q.Set(name, value)
	}
}
