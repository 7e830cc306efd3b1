package email

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dripline/dripline/internal/smtptest"
)

// selfSigned makes a certificate for 127.0.0.1 signed by itself and writes
// it as PEM, the CA file a private relay's operator would hand out.
func selfSigned(t *testing.T) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "relay.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, file
}

// TestSMTPStartTLS: against a relay with a self-signed certificate, STARTTLS
// fails verification by default, works with its CA file, and works with the
// explicit insecure mode; a bad CA file is refused at start.
func TestSMTPStartTLS(t *testing.T) {
	cert, caFile := selfSigned(t)
	srv := smtptest.Start(t, smtptest.WithTLS(&tls.Config{Certificates: []tls.Certificate{cert}}))
	url := strings.Replace(srv.URL(), "tls=none", "tls=starttls", 1)
	sender := func(edit func(*Config)) *SMTPSender {
		cfg, err := ParseURL(url)
		if err != nil {
			t.Fatal(err)
		}
		cfg.HELO = "dripline.test"
		edit(&cfg)
		s, err := NewSMTPSender(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	err := sender(func(*Config) {}).Send(t.Context(), testMsg(1, "x@example.com"))
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("self-signed certificate without its CA: %v, want a certificate error", err)
	}
	if err := sender(func(c *Config) { c.CAFile = caFile }).Send(t.Context(), testMsg(2, "x@example.com")); err != nil {
		t.Fatalf("with the CA file: %v", err)
	}
	if err := sender(func(c *Config) { c.Insecure = true }).Send(t.Context(), testMsg(3, "x@example.com")); err != nil {
		t.Fatalf("insecure: %v", err)
	}
	if cfg, err := ParseURL(url + "&insecure=1"); err != nil || !cfg.Insecure {
		t.Fatalf("insecure=1 in the URL: %+v, %v", cfg, err)
	}
	if srv.Count() != 2 {
		t.Fatalf("%d messages, want 2", srv.Count())
	}
	bad := filepath.Join(t.TempDir(), "empty.pem")
	_ = os.WriteFile(bad, []byte("nothing"), 0o600)
	cfg, _ := ParseURL(url)
	cfg.CAFile = bad
	if _, err := NewSMTPSender(cfg); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Fatalf("bad CA file: %v", err)
	}
}
