package simulator

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
)

// SSHKeyPair is a key pair row; PublicKey is in authorized_keys form. The VM family reads
// it (LookupSSHKeyPair) to fill the VM's keypair and SSH.PublicKey detail.
type SSHKeyPair struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	PublicKey   string `json:"publickey"`
	Fingerprint string `json:"fingerprint"`
}

type sshKeyPairView struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Fingerprint string `json:"fingerprint"`
	Account     string `json:"account"`
	DomainID    string `json:"domainid"`
	Domain      string `json:"domain"`
	PrivateKey  string `json:"privatekey,omitempty"`
}

// SSHKeyPairTable is the key pairs table.
func SSHKeyPairTable(st *Store) *Table[SSHKeyPair] { return TableOf[SSHKeyPair](st, "sshkeypairs") }

// LookupSSHKeyPair finds a key pair by its (unique) name.
func LookupSSHKeyPair(st *Store, name string) (*SSHKeyPair, bool) {
	return SSHKeyPairTable(st).Find(func(k *SSHKeyPair) bool { return k.Name == name })
}

func init() {
	RegisterFamily(Family{
		Name: "ssh",
		Commands: []Command{
			Sync("listSSHKeyPairs", listSSHKeyPairs),
			Sync("createSSHKeyPair", createSSHKeyPair),
			Sync("registerSSHKeyPair", registerSSHKeyPair),
			Sync("deleteSSHKeyPair", deleteSSHKeyPair),
		},
		SeedOrder: 5,
		LoadSeed:  seedKeyPairs,
	})
}

func seedKeyPairs(st *Store, seed *Seed) error {
	for i, sk := range seed.KeyPairs {
		if sk.Name == "" {
			return fmt.Errorf("key pair %d: name is required", i)
		}
		pub := sk.PublicKey
		if pub == "" {
			var err error
			if pub, _, err = generateKeyPair(); err != nil {
				return err
			}
		}
		fp, err := sshFingerprint(pub)
		if err != nil {
			return fmt.Errorf("key pair %q: %w", sk.Name, err)
		}
		k := &SSHKeyPair{ID: orNewUUID(sk.ID), Name: sk.Name, PublicKey: pub, Fingerprint: fp}
		SSHKeyPairTable(st).Put(k.ID, k)
	}
	return nil
}

func renderKeyPair(st *Store, k *SSHKeyPair, privateKey string) sshKeyPairView {
	return sshKeyPairView{ID: k.ID, Name: k.Name, Fingerprint: k.Fingerprint, Account: st.Account.Account,
		DomainID: st.Account.DomainID, Domain: st.Account.Domain, PrivateKey: privateKey}
}

func listSSHKeyPairs(c *Call) (any, error) {
	fingerprint := c.String("fingerprint")
	return List(c, SSHKeyPairTable(c.Store).All(), ListSpec[SSHKeyPair]{
		ItemKey: "sshkeypair",
		ID:      func(k *SSHKeyPair) string { return k.ID },
		Name:    func(k *SSHKeyPair) string { return k.Name },
		Keyword: func(k *SSHKeyPair) []string { return []string{k.Name} },
		Filter:  func(k *SSHKeyPair) bool { return fingerprint == "" || k.Fingerprint == fingerprint },
		Render:  func(k *SSHKeyPair) any { return renderKeyPair(c.Store, k, "") },
	})
}

func checkKeyPairNameFree(c *Call, name string) error {
	if _, taken := LookupSSHKeyPair(c.Store, name); taken {
		return ErrParam("A key pair with name '%s' already exists.", name)
	}
	return nil
}

func createSSHKeyPair(c *Call) (any, error) {
	name := c.Required("name")
	if err := c.Err(); err != nil {
		return nil, err
	}
	if err := checkKeyPairNameFree(c, name); err != nil {
		return nil, err
	}
	pub, priv, err := generateKeyPair()
	if err != nil {
		return nil, ErrInternal("generating key pair: %v", err)
	}
	fp, _ := sshFingerprint(pub)
	k := &SSHKeyPair{ID: newUUID(), Name: name, PublicKey: pub, Fingerprint: fp}
	SSHKeyPairTable(c.Store).Put(k.ID, k)
	return Object("keypair", renderKeyPair(c.Store, k, priv)), nil
}

func registerSSHKeyPair(c *Call) (any, error) {
	name := c.Required("name")
	pub := strings.TrimSpace(c.Required("publickey"))
	if err := c.Err(); err != nil {
		return nil, err
	}
	if err := checkKeyPairNameFree(c, name); err != nil {
		return nil, err
	}
	fp, err := sshFingerprint(pub)
	if err != nil {
		return nil, ErrParam("Public key is invalid")
	}
	if _, dup := SSHKeyPairTable(c.Store).Find(func(k *SSHKeyPair) bool { return k.Fingerprint == fp }); dup {
		return nil, ErrParam("A key pair with key '%s' already exists.", pub)
	}
	k := &SSHKeyPair{ID: newUUID(), Name: name, PublicKey: pub, Fingerprint: fp}
	SSHKeyPairTable(c.Store).Put(k.ID, k)
	return Object("keypair", renderKeyPair(c.Store, k, "")), nil
}

func deleteSSHKeyPair(c *Call) (any, error) {
	name := c.Required("name")
	if err := c.Err(); err != nil {
		return nil, err
	}
	k, ok := LookupSSHKeyPair(c.Store, name)
	if !ok {
		return nil, ErrParam("A key pair with name '%s' does not exist for account %s in specified domain id", name, c.Store.Account.Account)
	}
	SSHKeyPairTable(c.Store).Delete(k.ID)
	return Success(), nil
}

// generateKeyPair makes an RSA key: the public half in authorized_keys form, the private
// half as the PKCS#1 PEM CloudStack returns.
func generateKeyPair() (public, private string, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", err
	}
	blob := sshRSABlob(key.E, key.N)
	public = "ssh-rsa " + base64.StdEncoding.EncodeToString(blob) + " simulator"
	private = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	return public, private, nil
}

// sshRSABlob is the SSH wire encoding of an RSA public key (RFC 4253 §6.6).
func sshRSABlob(e int, n *big.Int) []byte {
	var out []byte
	putString := func(b []byte) {
		out = binary.BigEndian.AppendUint32(out, uint32(len(b)))
		out = append(out, b...)
	}
	mpint := func(x *big.Int) []byte {
		b := x.Bytes()
		if len(b) > 0 && b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	putString([]byte("ssh-rsa"))
	putString(mpint(big.NewInt(int64(e))))
	putString(mpint(n))
	return out
}

// sshFingerprint is the MD5 fingerprint CloudStack shows ("3b:f7:..."), computed over the
// key blob of an authorized_keys line.
func sshFingerprint(publicKey string) (string, error) {
	fields := strings.Fields(publicKey)
	if len(fields) < 2 || !strings.HasPrefix(fields[0], "ssh-") && !strings.HasPrefix(fields[0], "ecdsa-") {
		return "", fmt.Errorf("not an OpenSSH public key")
	}
	blob, err := base64.StdEncoding.DecodeString(fields[1])
	if err != nil || len(blob) < 4 {
		return "", fmt.Errorf("public key is not valid base64")
	}
	n := binary.BigEndian.Uint32(blob)
	if int(n)+4 > len(blob) || string(blob[4:4+n]) != fields[0] {
		return "", fmt.Errorf("public key type does not match its blob")
	}
	sum := md5.Sum(blob)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02x", b)
	}
	return strings.Join(parts, ":"), nil
}
