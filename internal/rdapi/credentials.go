package rdapi

import (
	"context"
	"errors"
	"fmt"

	"github.com/aliyun/credentials-go/credentials"
)

// Credential is an access key pair, with a security token for STS
// credentials.
type Credential struct {
	AccessKeyID     string
	AccessKeySecret string
	// SecurityToken is set for temporary (STS) credentials; it is sent as
	// x-acs-security-token.
	SecurityToken string
}

// CredentialsProvider supplies the credential for one request attempt. The
// client calls it before every attempt, so implementations that refresh
// (STS, ECS RAM role, OIDC) must cache and be safe for concurrent use.
type CredentialsProvider interface {
	Credential(ctx context.Context) (Credential, error)
}

type staticCredentials Credential

func (s staticCredentials) Credential(context.Context) (Credential, error) {
	return Credential(s), nil
}

// StaticCredentials returns a provider of a fixed access key, with
// securityToken set for STS credentials ("" otherwise).
func StaticCredentials(accessKeyID, accessKeySecret, securityToken string) CredentialsProvider {
	return staticCredentials{AccessKeyID: accessKeyID, AccessKeySecret: accessKeySecret, SecurityToken: securityToken}
}

type credentialsGo struct {
	c credentials.Credential
}

// CredentialsGo adapts a github.com/aliyun/credentials-go credential (static
// key, STS, profile, ECS RAM role, OIDC, assume role, credentials URI, or the
// default chain) so that refreshing credentials are refreshed as they
// expire. credentials-go caches, so calling it per attempt is cheap.
func CredentialsGo(c credentials.Credential) CredentialsProvider {
	return credentialsGo{c: c}
}

// Credential fetches the current credential. credentials-go takes no
// context, so a refresh that blocks (an STS or metadata call) runs in its
// own goroutine and the wait ends when ctx does; the refresh itself is
// bounded by credentials-go's HTTP timeouts.
func (p credentialsGo) Credential(ctx context.Context) (Credential, error) {
	if p.c == nil {
		return Credential{}, errors.New("no credentials-go credential configured")
	}
	if err := ctx.Err(); err != nil {
		return Credential{}, err
	}
	type result struct {
		m   *credentials.CredentialModel
		err error
	}
	ch := make(chan result, 1)
	go func() {
		m, err := p.c.GetCredential()
		ch <- result{m, err}
	}()
	var r result
	select {
	case r = <-ch:
	case <-ctx.Done():
		return Credential{}, ctx.Err()
	}
	if r.err != nil {
		return Credential{}, fmt.Errorf("credentials-go: %w", r.err)
	}
	if r.m == nil {
		return Credential{}, errors.New("credentials-go returned no credential")
	}
	return Credential{
		AccessKeyID:     deref(r.m.AccessKeyId),
		AccessKeySecret: deref(r.m.AccessKeySecret),
		SecurityToken:   deref(r.m.SecurityToken),
	}, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
