package email

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// tlsConfig is the TLS configuration for cfg: cfg.TLSConfig when given, else
// one that verifies the server as cfg.Host against cfg.CAFile's CAs (the
// system's when empty), or checks nothing when cfg.Insecure. nil: go-mail's
// default.
func tlsConfig(cfg Config) (*tls.Config, error) {
	if cfg.TLSConfig != nil {
		return cfg.TLSConfig, nil
	}
	if cfg.CAFile == "" && !cfg.Insecure {
		return nil, nil
	}
	tc := &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12, InsecureSkipVerify: cfg.Insecure} //nolint:gosec // the operator's explicit choice
	if cfg.CAFile == "" {
		return tc, nil
	}
	pem, err := os.ReadFile(cfg.CAFile)
	if err != nil {
		return nil, fmt.Errorf("ca file: %w", err)
	}
	tc.RootCAs = x509.NewCertPool()
	if !tc.RootCAs.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("ca file %s: %w", cfg.CAFile, errors.New("no PEM certificate in it"))
	}
	return tc, nil
}
