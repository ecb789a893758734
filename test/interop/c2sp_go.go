// c2sp_go: checks verwerkingenlog's checkpoints and proofs with Go's own
// checksum-database packages, an implementation independent of ours:
// golang.org/x/mod/sumdb/note (C2SP signed notes) and
// golang.org/x/mod/sumdb/tlog (RFC 6962 tree hashing, inclusion and
// consistency proofs).  Built and run by test/scripts/c2sp_go.sh, offline,
// from Debian's golang-go and golang-golang-x-mod-dev:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o c2sp_go test/interop/c2sp_go.go
//	c2sp_go KEY_FILE EXPORT_FILE PROOF_FILE
//
// KEY_FILE holds publieke_sleutel(); EXPORT_FILE is the output of
// COPY (SELECT * FROM verwerkingenlog.verificatie_export()) TO STDOUT;
// PROOF_FILE has one JSON document a line, each the result of
// bewijs_opname, bewijs_consistentie or opname_verwijzing.
//
// It exits 0 with one line "OK: ..." when everything checks out, 1 with
// "NOT OK: ..." naming the first thing Go's packages refuse, and 2 when it
// cannot run (unreadable input, bad usage).
package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// checkpoint is a verified, parsed C2SP tlog-checkpoint.
type checkpoint struct {
	origin string
	tree   tlog.Tree
}

// failure stops the program with exit status 1 (a check failed).
type failure struct{ msg string }

// notOK panics with a failure; main turns it into "NOT OK: ..." and exit 1.
func notOK(format string, args ...interface{}) {
	panic(failure{fmt.Sprintf(format, args...)})
}

// cannot stops the program with exit status 2.
func cannot(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "c2sp_go: "+format+"\n", args...)
	os.Exit(2)
}

var verifier note.Verifier

// openCheckpoint verifies a checkpoint note with note.Open and parses its
// text as a C2SP tlog-checkpoint: origin, tree size, base64 root hash, then
// optional non-empty extension lines.  The size and root are also read by
// tlog.ParseTree, Go's parser of the same three lines, which expects its own
// fixed first line ("go.sum database tree") where C2SP has the origin.
func openCheckpoint(what string, msg []byte) checkpoint {
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		notOK("%s: note.Open refuses it: %v", what, err)
	}
	if len(n.Sigs) != 1 || n.Sigs[0].Name != verifier.Name() || n.Sigs[0].Hash != verifier.KeyHash() {
		notOK("%s: expected one signature, by %s+%08x", what, verifier.Name(), verifier.KeyHash())
	}
	if len(n.UnverifiedSigs) != 0 {
		notOK("%s: %d signatures by unknown keys", what, len(n.UnverifiedSigs))
	}
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) < 3 {
		notOK("%s: a tlog-checkpoint has at least three lines, this one %d", what, len(lines))
	}
	for i, l := range lines {
		if l == "" {
			notOK("%s: line %d is empty", what, i+1)
		}
	}
	origin := lines[0]
	if strings.IndexFunc(origin, unicode.IsSpace) >= 0 || strings.Contains(origin, "+") {
		notOK("%s: the origin %q has a space or a plus", what, origin)
	}
	if len(lines) > 3 {
		notOK("%s: %d extension lines (we write none)", what, len(lines)-3)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		notOK("%s: tree size %q is not a decimal without leading zeroes", what, lines[1])
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize || base64.StdEncoding.EncodeToString(root) != lines[2] {
		notOK("%s: root hash %q is not base64 of %d bytes", what, lines[2], tlog.HashSize)
	}
	tree, err := tlog.ParseTree([]byte("go.sum database tree\n" + strings.SplitN(n.Text, "\n", 2)[1]))
	if err != nil {
		notOK("%s: tlog.ParseTree refuses its size and root: %v", what, err)
	}
	if tree.N != size || !bytes.Equal(tree.Hash[:], root) {
		notOK("%s: tlog.ParseTree reads %d %s, we read %s %s", what, tree.N, tree.Hash, lines[1], lines[2])
	}
	return checkpoint{origin, tree}
}

// hash decodes a hash given in base64 (proofs) or hex (the export).
func hash(what, s string, enc func(string) ([]byte, error)) tlog.Hash {
	b, err := enc(s)
	if err != nil || len(b) != tlog.HashSize {
		notOK("%s: %q is not a hash", what, s)
	}
	var h tlog.Hash
	copy(h[:], b)
	return h
}

func b64(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }

// path decodes a proof's "pad", a JSON array of base64 hashes.
func path(what string, raw json.RawMessage) []tlog.Hash {
	var strs []string
	if err := json.Unmarshal(raw, &strs); err != nil {
		notOK("%s: pad is not an array of strings: %v", what, err)
	}
	p := make([]tlog.Hash, len(strs))
	for i, s := range strs {
		p[i] = hash(fmt.Sprintf("%s, pad[%d]", what, i), s, b64)
	}
	return p
}

// samePath reports whether two proofs are the same hashes in the same order.
func samePath(a, b []tlog.Hash) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The tree as rebuilt from the export: every stored hash tlog needs, kept
// in memory in tlog's own layout (tlog.StoredHashIndex).
var stored []tlog.Hash
var leaves int64

var reader = tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(stored)) {
			return nil, fmt.Errorf("no stored hash %d", x)
		}
		out[i] = stored[x]
	}
	return out, nil
})

// copyField undoes COPY's text format for our fields: \N is NULL; nothing
// else the export writes needs an escape (hex, numbers, uuids, names).
func copyField(s string) (string, bool) {
	if s == `\N` {
		return "", false
	}
	if strings.Contains(s, `\`) {
		cannot("an export field with an escape: %q", s)
	}
	return s, true
}

// leafRecord is one leaf of the export as tlog sees it.
type leafRecord struct {
	table, key, status string
	hash               tlog.Hash
}

var leafList []leafRecord
var checkpoints []checkpoint

// readExport rebuilds the tree from the export's leaves with
// tlog.RecordHash and tlog.StoredHashesForRecordHash and checks every
// checkpoint in it: its note with note.Open, its root with tlog.TreeHash.
func readExport(file string) {
	f, err := os.Open(file)
	if err != nil {
		cannot("%v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	var origin string
	for sc.Scan() {
		col := strings.Split(sc.Text(), "\t")
		if len(col) != 8 {
			cannot("an export line with %d columns, not 8", len(col))
		}
		soort, _ := copyField(col[0])
		positie, _ := copyField(col[1])
		tabel, _ := copyField(col[2])
		sleutel, _ := copyField(col[3])
		status, _ := copyField(col[4])
		inhoud, heeftInhoud := copyField(col[5])
		hashHex, _ := copyField(col[6])
		switch soort {
		case "blad":
			if positie != strconv.FormatInt(leaves, 10) {
				notOK("leaf %s comes where leaf %d should", positie, leaves)
			}
			what := fmt.Sprintf("leaf %d (%s %s)", leaves, tabel, sleutel)
			// The hash column of a present leaf is its vinger (8 hex
			// digits, the first 4 bytes of its leaf hash) since 1.2; the
			// leaf hash is then tlog.RecordHash of its bytes.
			vinger := status == "aanwezig" && len(hashHex) == 8
			var h tlog.Hash
			if !vinger {
				h = hash(what, hashHex, hex.DecodeString)
			}
			if status == "aanwezig" {
				if !heeftInhoud {
					notOK("%s: present, but without its bytes", what)
				}
				data, err := hex.DecodeString(inhoud)
				if err != nil {
					notOK("%s: its bytes are not hex", what)
				}
				// canonical encoding version 1: "VWL" 0x01, u64 tree index, ...
				if len(data) < 12 || string(data[:4]) != "VWL\x01" || binary.BigEndian.Uint64(data[4:12]) != uint64(leaves) {
					notOK("%s: its bytes do not start with \"VWL\" 0x01 and its tree index", what)
				}
				rh := tlog.RecordHash(data)
				if vinger {
					if hex.EncodeToString(rh[:4]) != strings.ToLower(hashHex) {
						notOK("%s: tlog.RecordHash of its bytes is %s, the export's vinger is %s", what, rh, hashHex)
					}
					h = rh
				} else if rh != h {
					notOK("%s: tlog.RecordHash of its bytes is %s, the export says %s", what, rh, h)
				}
			}
			hs, err := tlog.StoredHashesForRecordHash(leaves, h, reader)
			if err != nil {
				cannot("%v", err)
			}
			stored = append(stored, hs...)
			leafList = append(leafList, leafRecord{tabel, sleutel, status, h})
			leaves++
		case "controlepunt":
			what := "checkpoint at size " + positie
			if !heeftInhoud {
				notOK("%s: no text", what)
			}
			msg, err := hex.DecodeString(inhoud)
			if err != nil {
				notOK("%s: its text is not hex", what)
			}
			c := openCheckpoint(what, msg)
			if strconv.FormatInt(c.tree.N, 10) != positie {
				notOK("%s: its note says size %d", what, c.tree.N)
			}
			if hash(what, hashHex, hex.DecodeString) != c.tree.Hash {
				notOK("%s: the root stored beside it is not the root in its note", what)
			}
			if origin == "" {
				origin = c.origin
			} else if c.origin != origin {
				notOK("%s: origin %q, the earlier checkpoints %q", what, c.origin, origin)
			}
			checkpoints = append(checkpoints, c)
		case "ongezegeld":
		default:
			cannot("an export line of kind %q", soort)
		}
	}
	if err := sc.Err(); err != nil {
		cannot("%v", err)
	}
	if len(checkpoints) == 0 {
		notOK("the export has no checkpoint")
	}
	for _, c := range checkpoints {
		if c.tree.N > leaves {
			notOK("checkpoint at size %d: the export has only %d leaves", c.tree.N, leaves)
		}
		th, err := tlog.TreeHash(c.tree.N, reader)
		if err != nil {
			cannot("%v", err)
		}
		if th != c.tree.Hash {
			notOK("checkpoint at size %d: tlog.TreeHash of the export's first %d leaves is %s, the checkpoint says %s",
				c.tree.N, c.tree.N, th, c.tree.Hash)
		}
	}
}

// leafProof is one leaf's part of bewijs_opname, or opname_verwijzing.
type leafProof struct {
	Tabel  string          `json:"tabel"`
	Blad   *int64          `json:"blad"`
	Hash   string          `json:"hash"`
	Inhoud *string         `json:"inhoud"`
	Pad    json.RawMessage `json:"pad"`
}

// proof is any of the three proof documents.
type proof struct {
	ActieID          string          `json:"actieId"`
	Volgnummer       int             `json:"volgnummer"`
	Controlepunt     string          `json:"controlepunt"`
	Boomgrootte      *int64          `json:"boomgrootte"`
	Wortel           string          `json:"wortel"`
	Versie           *leafProof      `json:"versie"`
	Objecten         []leafProof     `json:"objecten"`
	VerwerktObjectID string          `json:"verwerktObjectId"`
	Blad             *int64          `json:"blad"`
	Hash             string          `json:"hash"`
	Pad              json.RawMessage `json:"pad"`
	Oud              *treeHead       `json:"oud"`
	Nieuw            *treeHead       `json:"nieuw"`
}

// treeHead is one side of bewijs_consistentie.
type treeHead struct {
	Boomgrootte  int64  `json:"boomgrootte"`
	Wortel       string `json:"wortel"`
	Controlepunt string `json:"controlepunt"`
}

// headOf verifies the checkpoint a proof is against and that the proof's
// own size and root fields say the same.
func headOf(what, text string, size int64, root string) checkpoint {
	c := openCheckpoint(what+", its checkpoint", []byte(text))
	if c.tree.N != size || hash(what+", wortel", root, b64) != c.tree.Hash {
		notOK("%s: boomgrootte/wortel %d %s, its checkpoint %d %s", what, size, root, c.tree.N, c.tree.Hash)
	}
	return c
}

// checkLeaf checks one inclusion proof with tlog.CheckRecord, the leaf hash
// taken from the leaf's bytes with tlog.RecordHash when the proof has them;
// and that Go's own tlog.ProveRecord, over the export's leaves, gives the
// same hashes in the same order.
func checkLeaf(what string, l leafProof, c checkpoint) {
	if l.Blad == nil {
		notOK("%s: no blad", what)
	}
	what = fmt.Sprintf("%s, leaf %d", what, *l.Blad)
	h := hash(what+", hash", l.Hash, b64)
	if l.Inhoud != nil {
		data, err := hex.DecodeString(*l.Inhoud)
		if err != nil {
			notOK("%s: inhoud is not hex", what)
		}
		if rh := tlog.RecordHash(data); rh != h {
			notOK("%s: tlog.RecordHash of inhoud is %s, the proof says %s", what, rh, h)
		}
	}
	p := path(what, l.Pad)
	if err := tlog.CheckRecord(p, c.tree.N, c.tree.Hash, *l.Blad, h); err != nil {
		notOK("%s: tlog.CheckRecord against size %d: %v", what, c.tree.N, err)
	}
	if *l.Blad < leaves && leafList[*l.Blad].hash != h {
		notOK("%s: the export has another hash for this leaf", what)
	}
	if c.tree.N <= leaves {
		gp, err := tlog.ProveRecord(c.tree.N, *l.Blad, reader)
		if err != nil {
			cannot("%v", err)
		}
		if !samePath(gp, p) {
			notOK("%s: tlog.ProveRecord gives another path (%d hashes, ours %d)", what, len(gp), len(p))
		}
	}
}

var nInclusion, nConsistency int
var inclusionSizes = map[int64]bool{}
var consistencySizes = map[[2]int64]bool{}

// checkProofs checks every proof document of the file.
func checkProofs(file string) {
	f, err := os.Open(file)
	if err != nil {
		cannot("%v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	line := 0
	for sc.Scan() {
		line++
		var p proof
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			cannot("%s line %d: %v", file, line, err)
		}
		what := fmt.Sprintf("proof on line %d", line)
		switch {
		case p.Versie != nil: // bewijs_opname
			what = fmt.Sprintf("%s (bewijs_opname %s/%d)", what, p.ActieID, p.Volgnummer)
			if p.Boomgrootte == nil {
				notOK("%s: no boomgrootte", what)
			}
			c := headOf(what, p.Controlepunt, *p.Boomgrootte, p.Wortel)
			checkLeaf(what+", versie", *p.Versie, c)
			nInclusion++
			for i, o := range p.Objecten {
				checkLeaf(fmt.Sprintf("%s, objecten[%d]", what, i), o, c)
				nInclusion++
			}
			inclusionSizes[c.tree.N] = true
		case p.Oud != nil && p.Nieuw != nil: // bewijs_consistentie
			what = fmt.Sprintf("%s (bewijs_consistentie %d %d)", what, p.Oud.Boomgrootte, p.Nieuw.Boomgrootte)
			a := headOf(what+", oud", p.Oud.Controlepunt, p.Oud.Boomgrootte, p.Oud.Wortel)
			b := headOf(what+", nieuw", p.Nieuw.Controlepunt, p.Nieuw.Boomgrootte, p.Nieuw.Wortel)
			pad := path(what, p.Pad)
			if err := tlog.CheckTree(pad, b.tree.N, b.tree.Hash, a.tree.N, a.tree.Hash); err != nil {
				notOK("%s: tlog.CheckTree: %v", what, err)
			}
			if b.tree.N <= leaves {
				gp, err := tlog.ProveTree(b.tree.N, a.tree.N, reader)
				if err != nil {
					cannot("%v", err)
				}
				if !samePath(gp, pad) {
					notOK("%s: tlog.ProveTree gives another path (%d hashes, ours %d)", what, len(gp), len(pad))
				}
			}
			nConsistency++
			consistencySizes[[2]int64{a.tree.N, b.tree.N}] = true
		case p.VerwerktObjectID != "" && p.Blad != nil: // opname_verwijzing
			what = fmt.Sprintf("%s (opname_verwijzing %s)", what, p.VerwerktObjectID)
			if p.Boomgrootte == nil {
				notOK("%s: no boomgrootte", what)
			}
			c := openCheckpoint(what+", its checkpoint", []byte(p.Controlepunt))
			if c.tree.N != *p.Boomgrootte {
				notOK("%s: boomgrootte %d, its checkpoint %d", what, *p.Boomgrootte, c.tree.N)
			}
			checkLeaf(what, leafProof{Blad: p.Blad, Hash: p.Hash, Pad: p.Pad}, c)
			nInclusion++
			inclusionSizes[c.tree.N] = true
		default:
			cannot("%s line %d: not a proof document", file, line)
		}
	}
	if err := sc.Err(); err != nil {
		cannot("%v", err)
	}
}

func main() {
	if len(os.Args) != 4 {
		cannot("usage: c2sp_go KEY_FILE EXPORT_FILE PROOF_FILE")
	}
	key, err := os.ReadFile(os.Args[1])
	if err != nil {
		cannot("%v", err)
	}
	vkey := strings.TrimSpace(string(key))
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(failure)
			if !ok {
				panic(r)
			}
			fmt.Println("NOT OK: " + f.msg)
			os.Exit(1)
		}
	}()
	// The key: note.NewVerifier checks that its key ID is C2SP's,
	// SHA-256(name || 0x0A || 0x01 || public key)[:4]; and
	// note.NewEd25519VerifierKey, given only the name and the public key,
	// must write the very same verifier key.
	verifier, err = note.NewVerifier(vkey)
	if err != nil {
		notOK("publieke_sleutel(): note.NewVerifier refuses %q: %v", vkey, err)
	}
	parts := strings.SplitN(vkey, "+", 3)
	raw, _ := base64.StdEncoding.DecodeString(parts[2])
	if again, err := note.NewEd25519VerifierKey(parts[0], ed25519.PublicKey(raw[1:])); err != nil || again != vkey {
		notOK("publieke_sleutel(): note.NewEd25519VerifierKey writes %q", again)
	}
	readExport(os.Args[2])
	checkProofs(os.Args[3])
	sizes := make([]string, len(checkpoints))
	for i, c := range checkpoints {
		sizes[i] = strconv.FormatInt(c.tree.N, 10)
	}
	fmt.Printf("OK: %s: %d leaves; %d checkpoints (sizes %s) opened by note.Open, their roots equal to tlog.TreeHash; "+
		"%d inclusion proofs against %d tree sizes pass tlog.CheckRecord, %d consistency proofs between %d pairs of sizes pass tlog.CheckTree, all equal to tlog's own proofs\n",
		checkpoints[0].origin, leaves, len(checkpoints), strings.Join(sizes, " "),
		nInclusion, len(inclusionSizes), nConsistency, len(consistencySizes))
}
