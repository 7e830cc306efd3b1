package config

import (
	"errors"
	"flag"
	"fmt"
	"regexp"
	"strings"
)

// secret registers a string flag whose value comes from the environment
// variable env but is never shown: its default in --help stays empty.
func secret(fs *flag.FlagSet, p *string, name, env, usage string) {
	fs.StringVar(p, name, "", usage+" (env "+env+"; its value is not shown)")
	*p = getenv(env, "")
}

// urlPassword finds the password in a URL's user info, scheme://user:password@,
// read as text so that a URL with a bad escape elsewhere is redacted too.
var urlPassword = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*://[^/?#@:]*:)[^/?#]*@`)

// dsnPassword finds a password in a keyword/value connection string or a
// URL's query (password=..., sslpassword=...).
var dsnPassword = regexp.MustCompile(`(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]*)`)

// RedactURL returns s with any password replaced by "xxxxx": the one in a
// URL's user info (postgres://u:pw@host, redis://:pw@host, smtp://u:pw@host)
// and password=... in a query or a keyword/value connection string.
func RedactURL(s string) string {
	s = urlPassword.ReplaceAllString(s, "${1}xxxxx@")
	return dsnPassword.ReplaceAllString(s, "${1}xxxxx")
}

// SecretKeys returns the keys of DRIPLINE_SECRET in order: the first signs
// unsubscribe links, every one verifies them, so a key can be rotated without
// breaking links in mail already sent. Without DRIPLINE_SECRET it is the one
// public DevSecret, which CheckServe refuses unless Dev is set.
func (c *Config) SecretKeys() [][]byte {
	if c.Secret == "" {
		return [][]byte{[]byte(DevSecret)}
	}
	var keys [][]byte
	for k := range strings.SplitSeq(c.Secret, ",") {
		keys = append(keys, []byte(strings.TrimSpace(k)))
	}
	return keys
}

// checkSecret refuses an empty key in DRIPLINE_SECRET ("a,,b" or a trailing
// comma): an empty key would sign tokens anyone can make.
func (c *Config) checkSecret() error {
	if c.Secret == "" {
		return nil
	}
	keys := c.SecretKeys()
	for i, k := range keys {
		if len(k) == 0 {
			return fmt.Errorf("DRIPLINE_SECRET: key %d of %d is empty; separate non-empty keys with commas", i+1, len(keys))
		}
	}
	return nil
}

// errNoSecret is CheckServe's refusal to run with the public key.
var errNoSecret = errors.New("DRIPLINE_SECRET is not set: anyone could forge unsubscribe links signed with the public development key. " +
	"Set DRIPLINE_SECRET to a long random key (several, comma-separated, to rotate: the first signs, all verify), " +
	"or pass --dev to run with the development key")

// CheckServe checks what the daemon needs beyond Check: a signing key of its
// own, unless Dev allows the public DevSecret.
func (c *Config) CheckServe() error {
	if err := c.Check(); err != nil {
		return err
	}
	if !c.Dev && string(c.SecretKeys()[0]) == DevSecret {
		return errNoSecret
	}
	return nil
}
