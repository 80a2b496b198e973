package cloudstack

import (
	"context"
	"errors"

	csapi "github.com/apache/cloudstack-go/v2/cloudstack"
)

// SSHKeyPair is a registered SSH key pair; deployVirtualMachine names it by
// Name. CloudStack never returns the private key of a listed pair.
type SSHKeyPair struct {
	ID          string // empty on CloudStack versions that do not show it
	Name        string
	Fingerprint string
}

// SSHKeyPairs hands out the SSH key pair service.
func (c *Client) SSHKeyPairs() SSHKeyPairs { return &sshKeyPairService{c: c} }

type sshKeyPairService struct{ c *Client }

func (s *sshKeyPairService) Find(ctx context.Context, name string) (SSHKeyPair, bool, error) {
	if name == "" {
		return SSHKeyPair{}, false, errors.New("looking up an SSH key pair: the name is empty")
	}
	api := s.c.api(ctx)
	rows, err := notFoundIsAbsent(listAllPages(ctx, "listSSHKeyPairs", func(page, size int) ([]SSHKeyPair, int, error) {
		p := api.SSH.NewListSSHKeyPairsParams()
		setNameOrID(name, p.SetId, p.SetName)
		p.SetPage(page)
		p.SetPagesize(size)
		r, err := api.SSH.ListSSHKeyPairs(p)
		if err != nil {
			return nil, 0, err
		}
		return convertSSHKeyPairs(r.SSHKeyPairs), r.Count, nil
	}))
	if err != nil {
		return SSHKeyPair{}, false, err
	}
	return pickOne("SSH key pair", name, rows,
		func(k SSHKeyPair) string { return k.ID }, func(k SSHKeyPair) string { return k.Name })
}

func convertSSHKeyPairs(in []*csapi.SSHKeyPair) []SSHKeyPair {
	out := make([]SSHKeyPair, 0, len(in))
	for _, k := range in {
		out = append(out, SSHKeyPair{ID: k.Id, Name: k.Name, Fingerprint: k.Fingerprint})
	}
	return out
}
