// Command k8s-schemas writes the table of the OpenAPI v3 schemas that controller-gen
// (sigs.k8s.io/controller-tools) gives the Kubernetes API types when a CRD embeds them.
//
// It is run by generate.sh, with its working directory in the module ./k8s, whose only
// package imports the Kubernetes API packages to cover (at the versions that module's go.mod
// pins). See README.md for how the table is built.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/token"
	"go/types"
	"os"
	"reflect"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/controller-tools/pkg/crd"
	"sigs.k8s.io/controller-tools/pkg/loader"
	"sigs.k8s.io/controller-tools/pkg/markers"
	"sigs.k8s.io/yaml"
)

// onlyTypes restricts the types taken from a package: the rest of these packages is
// machinery (schemes, codecs, serializers), not API types. For resource and intstr,
// controller-gen's own package overrides register only these types as well.
var onlyTypes = map[string][]string{
	"k8s.io/apimachinery/pkg/runtime":      {"RawExtension"},
	"k8s.io/apimachinery/pkg/api/resource": {"Quantity"},
	"k8s.io/apimachinery/pkg/util/intstr":  {"IntOrString"},
}

// The modules whose versions the table records (they must all be at one release).
var k8sModules = []string{
	"k8s.io/api",
	"k8s.io/apiextensions-apiserver",
	"k8s.io/apimachinery",
	"k8s.io/kube-aggregator",
}

// The keys of a schema node that hold sub-schemas. A field whose schema differs from its
// type's own schema only in other keys becomes a $ref (those keys laid over the referenced
// schema); if it differs in one of these, the field's schema is inlined instead.
var structuralKeys = map[string]bool{
	"properties": true, "items": true, "additionalProperties": true, "allOf": true, "anyOf": true, "oneOf": true,
	"not": true, "patternProperties": true, "additionalItems": true, "definitions": true, "dependencies": true,
}

type node = map[string]any

type typeEntry struct {
	ident crd.TypeIdent
	name  string // k8s-openapi schema name
	flat  node   // controller-gen's fully flattened schema, as it inlines it for a field
}

type generator struct {
	parser  *crd.Parser
	byPath  map[string]*loader.Package
	entries map[crd.TypeIdent]*typeEntry
	// notes on fields whose schema could not be a faithful $ref and were inlined instead
	inlined []string
}

func main() {
	out := flag.String("out", "", "where to write the table")
	kubernetes := flag.String("kubernetes", "", "the Kubernetes minor version the table is for, e.g. 1.35")
	namesFile := flag.String("k8s-openapi-names", "", "optional file of k8s-openapi schema names (one a line): each must be in the table or be reported as left out")
	e2eAPI := flag.String("e2e-api", "", "optional: also write a Go API type (for controller-gen) with one field per table type, to this file")
	checkCRD := flag.String("check-crd", "", "check mode: compare the CRD that controller-gen made from the -e2e-api type with the table -table")
	tablePath := flag.String("table", "", "with -check-crd: the table to check")
	flag.Parse()
	var err error
	switch {
	case flag.NArg() != 0:
		err = fmt.Errorf("unexpected arguments %q", flag.Args())
	case *checkCRD != "":
		if *tablePath == "" {
			err = fmt.Errorf("-check-crd needs -table")
			break
		}
		err = checkAgainstCRD(*tablePath, *checkCRD)
	case *out == "" || *kubernetes == "":
		err = fmt.Errorf("-out and -kubernetes are required")
	default:
		err = run(*out, *kubernetes, *namesFile, *e2eAPI)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "k8s-schemas:", err)
		os.Exit(1)
	}
}

func run(out, kubernetes, namesFile, e2eAPI string) error {
	fset := token.NewFileSet()
	// The loader runs `go list` in the working directory: the ./k8s module, whose go.mod
	// pins the Kubernetes versions (not this tool's module, whose controller-tools
	// dependency requires newer ones).
	roots, err := loader.LoadRootsWithConfig(&packages.Config{Mode: packages.NeedModule, Fset: fset}, ".")
	if err != nil {
		return fmt.Errorf("loading the packages: %w", err)
	}
	if len(roots) != 1 {
		return fmt.Errorf("expected one root package in the working directory, got %d", len(roots))
	}
	var schemaPkgs []*loader.Package
	for _, pkg := range roots[0].Imports() {
		schemaPkgs = append(schemaPkgs, pkg)
	}
	sort.Slice(schemaPkgs, func(i, j int) bool { return schemaPkgs[i].PkgPath < schemaPkgs[j].PkgPath })

	modules, err := moduleVersions(schemaPkgs)
	if err != nil {
		return err
	}
	ctVersion, err := controllerToolsVersion()
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "controller-tools %s; loaded", ctVersion)
	for _, m := range k8sModules {
		fmt.Fprintf(os.Stderr, " %s@%s", m, modules[m])
	}
	fmt.Fprintln(os.Stderr)

	// The parser as controller-gen's crd generator sets it up (crd:allowDangerousTypes=true).
	registry := &markers.Registry{}
	if err := (crd.Generator{}).RegisterMarkers(registry); err != nil {
		return err
	}
	parser := &crd.Parser{
		Collector:           &markers.Collector{Registry: registry},
		Checker:             &loader.TypeChecker{NodeFilters: []loader.NodeFilter{crd.Generator{}.CheckFilter()}},
		AllowDangerousTypes: true,
	}
	crd.AddKnownTypes(parser)

	g := &generator{parser: parser, byPath: map[string]*loader.Package{}, entries: map[crd.TypeIdent]*typeEntry{}}
	var visit func(pkg *loader.Package)
	visit = func(pkg *loader.Package) {
		if _, seen := g.byPath[pkg.PkgPath]; seen {
			return
		}
		g.byPath[pkg.PkgPath] = pkg
		for _, imp := range pkg.Imports() {
			visit(imp)
		}
	}
	for _, pkg := range schemaPkgs {
		visit(pkg)
	}

	// 1. The candidate types: every exported struct type of the packages.
	var candidates []crd.TypeIdent
	for _, pkg := range schemaPkgs {
		parser.NeedPackage(pkg)
		pkg.NeedTypesInfo()
		scope := pkg.Types.Scope()
		for _, name := range scope.Names() {
			tn, ok := scope.Lookup(name).(*types.TypeName)
			if !ok || !tn.Exported() || tn.IsAlias() {
				continue
			}
			if only, restricted := onlyTypes[pkg.PkgPath]; restricted && !slices.Contains(only, name) {
				continue
			}
			if _, isStruct := tn.Type().Underlying().(*types.Struct); !isStruct {
				continue
			}
			candidates = append(candidates, crd.TypeIdent{Package: pkg, Name: name})
		}
	}

	// 2. controller-gen's (unflattened) schema of each; types whose generation reports an
	// error are left out, and so is every type that needs one of them.
	for _, ident := range candidates {
		parser.NeedSchemaFor(ident)
	}
	failed, err := g.attributeErrors(fset)
	if err != nil {
		return err
	}
	excluded := map[crd.TypeIdent]string{}
	for _, ident := range candidates {
		if why, bad := failed[ident]; bad {
			excluded[ident] = why
			continue
		}
		var causes []string
		for _, dep := range g.refsOf(ident) {
			if why, bad := failed[dep]; bad {
				causes = append(causes, schemaName(dep)+" ("+why+")")
			}
		}
		if len(causes) > 0 {
			sort.Strings(causes)
			excluded[ident] = "needs " + strings.Join(causes, ", ")
		}
	}

	// 3. The fully flattened schema of each, as controller-gen inlines it into a CRD for a field
	// of that type (each with a fresh flattener, so that no type's schema depends on which
	// types were flattened before it).
	for _, ident := range candidates {
		if _, bad := excluded[ident]; bad {
			continue
		}
		before := errorCounts(g.byPath)
		flat := g.flattenForField(ident)
		if errs := newErrors(g.byPath, before); len(errs) > 0 {
			excluded[ident] = "flattening: " + strings.Join(errs, "; ")
			continue
		}
		g.entries[ident] = &typeEntry{ident: ident, name: schemaName(ident), flat: flat}
	}
	// A type whose flattening failed may be needed by others that flattened fine (their own
	// flattening inlines it again and would have failed too), but check to be sure.
	for _, ident := range candidates {
		if e, ok := g.entries[ident]; ok {
			for _, dep := range g.refsOf(ident) {
				if _, bad := excluded[dep]; bad {
					return fmt.Errorf("%s flattened fine but needs %s, which is left out", e.name, schemaName(dep))
				}
			}
		}
	}

	// 4. Un-inline: each field holding another table type becomes a $ref to it.
	table := map[string]node{}
	for _, ident := range candidates {
		e, ok := g.entries[ident]
		if !ok {
			continue
		}
		if _, dup := table[e.name]; dup {
			return fmt.Errorf("two types named %s", e.name)
		}
		table[e.name] = g.entryFor(e)
	}

	// 5. Check: resolving every $ref must give back each flattened schema exactly.
	var mismatches []string
	for _, e := range g.entries {
		got, err := resolve(table, table[e.name], nil)
		if err != nil {
			mismatches = append(mismatches, fmt.Sprintf("%s: %v", e.name, err))
			continue
		}
		if !reflect.DeepEqual(got, e.flat) {
			mismatches = append(mismatches, fmt.Sprintf("%s: resolved table entry differs from controller-gen's schema at %s", e.name, firstDiff("", got, e.flat)))
		}
	}
	if len(mismatches) > 0 {
		sort.Strings(mismatches)
		return fmt.Errorf("%d types do not round-trip:\n  %s", len(mismatches), strings.Join(mismatches, "\n  "))
	}

	// 6. Write the table and report.
	doc := map[string]any{
		"kubernetes":      kubernetes,
		"modules":         modules,
		"controllerTools": ctVersion,
		"types":           table,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}

	var excludedLines []string
	excludedNames := map[string]string{}
	for ident, why := range excluded {
		excludedNames[schemaName(ident)] = why
		excludedLines = append(excludedLines, schemaName(ident)+": "+why)
	}
	sort.Strings(excludedLines)
	fmt.Fprintf(os.Stderr, "left out %d of %d candidate types, as controller-gen fails on them:\n", len(excludedLines), len(candidates))
	for _, l := range excludedLines {
		fmt.Fprintln(os.Stderr, "  "+l)
	}
	if len(g.inlined) > 0 {
		sort.Strings(g.inlined)
		fmt.Fprintf(os.Stderr, "%d fields inlined instead of a $ref (their schema is not their type's schema plus field-level keys):\n", len(g.inlined))
		for _, l := range g.inlined {
			fmt.Fprintln(os.Stderr, "  "+l)
		}
	}
	if namesFile != "" {
		if err := checkCoverage(namesFile, table, excludedNames); err != nil {
			return err
		}
	}
	if e2eAPI != "" {
		if err := writeE2EAPI(e2eAPI, table, g.entries); err != nil {
			return err
		}
	}
	refs := 0
	countRefs(table, &refs)
	fmt.Fprintf(os.Stderr, "wrote %s: %d types, %d $refs, %d bytes; every entry round-trips to controller-gen's flattened schema\n", out, len(table), refs, buf.Len())
	return nil
}

// schemaName is k8s-openapi's name of a type: its package path with "k8s.io/" turned into
// "io.k8s." and "/" into ".", then "." and the type's name.
func schemaName(ident crd.TypeIdent) string {
	path := loader.NonVendorPath(ident.Package.PkgPath)
	if rest, ok := strings.CutPrefix(path, "k8s.io/"); ok {
		path = "io.k8s." + rest
	}
	return strings.ReplaceAll(path, "/", ".") + "." + ident.Name
}

// moduleVersions gives the version each Kubernetes module was loaded at; they must all be
// the same release (the one that k8s/go.mod requires of k8s.io/api).
func moduleVersions(pkgs []*loader.Package) (map[string]string, error) {
	versions := map[string]string{}
	for _, pkg := range pkgs {
		m := pkg.Module
		if m == nil {
			return nil, fmt.Errorf("package %s has no module information", pkg.PkgPath)
		}
		if m.Replace != nil {
			return nil, fmt.Errorf("module %s is replaced (by %s %s); the table must come from the released module", m.Path, m.Replace.Path, m.Replace.Version)
		}
		versions[m.Path] = m.Version
	}
	want := versions["k8s.io/api"]
	for _, m := range k8sModules {
		if versions[m] == "" || versions[m] != want {
			return nil, fmt.Errorf("module %s loaded at %q, but k8s.io/api at %q: they must be one release (check k8s/go.mod)", m, versions[m], want)
		}
	}
	for m := range versions {
		if !slices.Contains(k8sModules, m) {
			return nil, fmt.Errorf("schema package from unexpected module %s", m)
		}
	}
	return versions, nil
}

func controllerToolsVersion() (string, error) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "", fmt.Errorf("no build information in the binary")
	}
	for _, dep := range info.Deps {
		if dep.Path == "sigs.k8s.io/controller-tools" {
			if dep.Replace != nil {
				return "", fmt.Errorf("controller-tools is replaced")
			}
			return dep.Version, nil
		}
	}
	return "", fmt.Errorf("controller-tools not among the binary's dependencies")
}

// ---- errors ----

func errorCounts(pkgs map[string]*loader.Package) map[string]int {
	counts := map[string]int{}
	for path, pkg := range pkgs {
		counts[path] = len(pkg.Errors)
	}
	return counts
}

func newErrors(pkgs map[string]*loader.Package, before map[string]int) []string {
	var errs []string
	for path, pkg := range pkgs {
		for _, e := range pkg.Errors[before[path]:] {
			if e.Kind == packages.TypeError {
				continue
			}
			errs = append(errs, e.Error())
		}
	}
	sort.Strings(errs)
	return errs
}

// attributeErrors maps the errors that schema generation recorded to the type declarations
// they point into. (controller-gen ignores type errors, which come from its partial
// type-checking, and so does this.)
func (g *generator) attributeErrors(fset *token.FileSet) (map[crd.TypeIdent]string, error) {
	type span struct {
		from, to int
		ident    crd.TypeIdent
	}
	spans := map[string][]span{}
	for ident, info := range g.parser.Types {
		if info.RawDecl == nil {
			continue
		}
		start := info.RawDecl.Pos()
		if info.RawDecl.Doc != nil {
			start = info.RawDecl.Doc.Pos()
		}
		if len(info.RawDecl.Specs) > 1 && info.RawSpec != nil {
			start = info.RawSpec.Pos()
			if info.RawSpec.Doc != nil {
				start = info.RawSpec.Doc.Pos()
			}
		}
		from, to := fset.Position(start), fset.Position(info.RawDecl.End())
		spans[from.Filename] = append(spans[from.Filename], span{from.Line, to.Line, ident})
	}
	failed := map[crd.TypeIdent]string{}
	var unplaced []string
	paths := make([]string, 0, len(g.byPath))
	for p := range g.byPath {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		for _, e := range g.byPath[path].Errors {
			if e.Kind == packages.TypeError {
				continue
			}
			file, line, ok := splitPos(e.Pos)
			var owner *crd.TypeIdent
			if ok {
				for _, s := range spans[file] {
					if s.from <= line && line <= s.to {
						owner = &s.ident
						break
					}
				}
			}
			if owner == nil {
				unplaced = append(unplaced, e.Error())
				continue
			}
			msg := e.Msg
			if prev, ok := failed[*owner]; ok && !slices.Contains(strings.Split(prev, "; "), msg) {
				msg = prev + "; " + msg
			} else if ok {
				msg = prev
			}
			failed[*owner] = msg
		}
	}
	if len(unplaced) > 0 {
		return nil, fmt.Errorf("schema generation reported errors outside any type declaration:\n  %s", strings.Join(unplaced, "\n  "))
	}
	return failed, nil
}

func splitPos(pos string) (file string, line int, ok bool) {
	// file:line:col
	i := strings.LastIndex(pos, ":")
	if i < 0 {
		return "", 0, false
	}
	j := strings.LastIndex(pos[:i], ":")
	if j < 0 {
		return "", 0, false
	}
	line, err := strconv.Atoi(pos[j+1 : i])
	if err != nil {
		return "", 0, false
	}
	return pos[:j], line, true
}

// ---- schemas ----

// lookupRef turns a reference of controller-gen's unflattened schemas back into a type.
func (g *generator) lookupRef(ref string, ctx *loader.Package) (crd.TypeIdent, error) {
	name, pkgPath, err := crd.RefParts(ref)
	if err != nil {
		return crd.TypeIdent{}, err
	}
	if pkgPath == "" {
		return crd.TypeIdent{Package: ctx, Name: name}, nil
	}
	if pkg := ctx.Imports()[pkgPath]; pkg != nil {
		return crd.TypeIdent{Package: pkg, Name: name}, nil
	}
	if pkg := g.byPath[pkgPath]; pkg != nil {
		return crd.TypeIdent{Package: pkg, Name: name}, nil
	}
	return crd.TypeIdent{}, fmt.Errorf("reference %s: package %s not loaded", ref, pkgPath)
}

// refsOf lists the types that the unflattened schema of a type references, transitively.
func (g *generator) refsOf(ident crd.TypeIdent) []crd.TypeIdent {
	seen := map[crd.TypeIdent]bool{ident: true}
	var out []crd.TypeIdent
	var walkType func(id crd.TypeIdent)
	var walk func(s *apiextensionsv1.JSONSchemaProps, ctx *loader.Package)
	walk = func(s *apiextensionsv1.JSONSchemaProps, ctx *loader.Package) {
		if s == nil {
			return
		}
		if s.Ref != nil && *s.Ref != "" {
			if id, err := g.lookupRef(*s.Ref, ctx); err == nil {
				walkType(id)
			}
		}
		for _, c := range children(s) {
			walk(c, ctx)
		}
	}
	walkType = func(id crd.TypeIdent) {
		if seen[id] {
			return
		}
		seen[id] = true
		out = append(out, id)
		if s, ok := g.parser.Schemata[id]; ok {
			walk(&s, id.Package)
		}
	}
	if s, ok := g.parser.Schemata[ident]; ok {
		walk(&s, ident.Package)
	}
	return out
}

func children(s *apiextensionsv1.JSONSchemaProps) []*apiextensionsv1.JSONSchemaProps {
	var out []*apiextensionsv1.JSONSchemaProps
	if s.Items != nil {
		if s.Items.Schema != nil {
			out = append(out, s.Items.Schema)
		}
		for i := range s.Items.JSONSchemas {
			out = append(out, &s.Items.JSONSchemas[i])
		}
	}
	for _, list := range [][]apiextensionsv1.JSONSchemaProps{s.AllOf, s.AnyOf, s.OneOf} {
		for i := range list {
			out = append(out, &list[i])
		}
	}
	if s.Not != nil {
		out = append(out, s.Not)
	}
	for _, m := range []map[string]apiextensionsv1.JSONSchemaProps{s.Properties, s.PatternProperties, s.Definitions} {
		for _, k := range sortedKeys(m) {
			v := m[k]
			out = append(out, &v)
		}
	}
	if s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil {
		out = append(out, s.AdditionalProperties.Schema)
	}
	if s.AdditionalItems != nil && s.AdditionalItems.Schema != nil {
		out = append(out, s.AdditionalItems.Schema)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// flattenForField gives controller-gen's schema of a type as it ends up in a CRD for a field
// of that type that has no documentation or markers of its own: a fresh flattener resolves a
// bare reference to the type (as it would a field's), then embedded fields are merged
// (FlattenEmbedded), which is what NeedFlattenedSchemaFor does for a CRD's root type.
func (g *generator) flattenForField(ident crd.TypeIdent) node {
	// (LookupReference as the flattener's default, which FlattenSchema alone does not set.)
	flattener := &crd.Flattener{Parser: g.parser, LookupReference: g.lookupRef}
	link := crd.TypeRefLink("", ident.Name)
	partial := flattener.FlattenSchema(apiextensionsv1.JSONSchemaProps{Ref: &link}, ident.Package)
	full := crd.FlattenEmbedded(partial, ident.Package)
	return toNode(full)
}

func toNode(s any) node {
	raw, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var n node
	if err := dec.Decode(&n); err != nil {
		panic(err)
	}
	return n
}

// entryFor un-inlines a type's flattened schema: every subtree that holds another table type
// (a field of that type, or the items or values of a field's array or map) becomes
// {"$ref": name} plus the keys in which it differs from that type's own schema.
func (g *generator) entryFor(e *typeEntry) node {
	s := g.parser.Schemata[e.ident]
	out := shallowCopy(e.flat)
	g.walkChildren(&s, e.ident.Package, e.flat, out, e.name)
	return out
}

// walk returns the table form of the flattened node flat, whose unflattened form (in the
// context of package ctx) is s.
func (g *generator) walk(s *apiextensionsv1.JSONSchemaProps, ctx *loader.Package, flat node, where string) node {
	if s.Ref != nil && *s.Ref != "" {
		id, err := g.lookupRef(*s.Ref, ctx)
		if err != nil {
			panic(err)
		}
		if target, inTable := g.entries[id]; inTable {
			ref, why := refTo(target, flat)
			if why == "" {
				return ref
			}
			g.inlined = append(g.inlined, fmt.Sprintf("%s (%s): %s", where, target.name, why))
		}
		// not a table type (a named map, slice or scalar type, or a field that is not a
		// faithful $ref): its content comes from the referenced type's schema
		ts, ok := g.parser.Schemata[id]
		if !ok {
			panic(fmt.Sprintf("%s: no schema for %s", where, id))
		}
		return g.walk(&ts, id.Package, flat, where)
	}
	out := shallowCopy(flat)
	g.walkChildren(s, ctx, flat, out, where)
	return out
}

// walkChildren fills out's children (out being a shallow copy of flat) from s's.
func (g *generator) walkChildren(s *apiextensionsv1.JSONSchemaProps, ctx *loader.Package, flat, out node, where string) {
	sub := func(key string) node {
		v, ok := flat[key].(node)
		if !ok {
			panic(fmt.Sprintf("%s: flattened schema has no %s where the unflattened one has", where, key))
		}
		return v
	}
	if len(s.Properties) > 0 {
		props := sub("properties")
		outProps, _ := out["properties"].(node)
		if outProps == nil || reflect.ValueOf(outProps).Pointer() == reflect.ValueOf(props).Pointer() {
			outProps = shallowCopy(props)
			out["properties"] = outProps
		}
		for _, k := range sortedKeys(s.Properties) {
			p := s.Properties[k]
			fp, ok := props[k].(node)
			if !ok {
				panic(fmt.Sprintf("%s: flattened schema lacks property %s", where, k))
			}
			outProps[k] = g.walk(&p, ctx, fp, where+"."+k)
		}
	}
	if s.Items != nil && s.Items.Schema != nil {
		out["items"] = g.walk(s.Items.Schema, ctx, sub("items"), where+"[]")
	}
	if s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil {
		out["additionalProperties"] = g.walk(s.AdditionalProperties.Schema, ctx, sub("additionalProperties"), where+"{}")
	}
	// Embedded fields: FlattenEmbedded merged their properties into this node.
	for i := range s.AllOf {
		emb := &s.AllOf[i]
		embCtx := ctx
		for emb.Ref != nil && *emb.Ref != "" {
			id, err := g.lookupRef(*emb.Ref, embCtx)
			if err != nil {
				panic(err)
			}
			ts, ok := g.parser.Schemata[id]
			if !ok {
				panic(fmt.Sprintf("%s: no schema for embedded %s", where, id))
			}
			emb, embCtx = &ts, id.Package
		}
		g.walkChildren(emb, embCtx, flat, out, where)
	}
	if len(s.AnyOf)+len(s.OneOf) > 0 || s.Not != nil || len(s.PatternProperties) > 0 {
		for _, c := range children(s) {
			if c.Ref != nil {
				panic(fmt.Sprintf("%s: reference inside anyOf/oneOf/not/patternProperties is not handled", where))
			}
		}
	}
}

// refTo gives {"$ref": target} plus the keys of flat that differ from the target's schema, or
// why flat cannot be that.
func refTo(target *typeEntry, flat node) (node, string) {
	ref := node{"$ref": target.name}
	var missing, structural []string
	for k, v := range target.flat {
		if _, ok := flat[k]; !ok {
			missing = append(missing, k)
		} else if structuralKeys[k] && !reflect.DeepEqual(flat[k], v) {
			structural = append(structural, k)
		}
	}
	for k, v := range flat {
		if _, ok := target.flat[k]; !ok && structuralKeys[k] {
			structural = append(structural, k)
		}
		if !reflect.DeepEqual(v, target.flat[k]) {
			ref[k] = v
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, "lacks the type's " + strings.Join(missing, ", ")
	}
	if len(structural) > 0 {
		sort.Strings(structural)
		return nil, "differs from the type's schema in " + strings.Join(slices.Compact(structural), ", ")
	}
	return ref, ""
}

func shallowCopy(n node) node {
	out := make(node, len(n))
	for k, v := range n {
		out[k] = v
	}
	return out
}

// resolve replaces every $ref of a table node by the referenced entry (resolved) with the
// node's other keys laid over it.
func resolve(table map[string]node, n node, stack []string) (node, error) {
	if ref, ok := n["$ref"].(string); ok {
		if slices.Contains(stack, ref) {
			return nil, fmt.Errorf("$ref cycle %s -> %s", strings.Join(stack, " -> "), ref)
		}
		target, ok := table[ref]
		if !ok {
			return nil, fmt.Errorf("$ref to %s, which is not in the table", ref)
		}
		base, err := resolve(table, target, append(stack, ref))
		if err != nil {
			return nil, err
		}
		out := shallowCopy(base)
		for k, v := range n {
			if k == "$ref" {
				continue
			}
			out[k] = v
		}
		// the laid-over keys are resolved too (they never hold a $ref, but be general)
		n = out
	}
	out := make(node, len(n))
	for k, v := range n {
		rv, err := resolveValue(table, k, v, stack)
		if err != nil {
			return nil, err
		}
		out[k] = rv
	}
	return out, nil
}

func resolveValue(table map[string]node, key string, v any, stack []string) (any, error) {
	switch key {
	case "properties", "patternProperties", "definitions", "dependencies":
		m, ok := v.(node)
		if !ok {
			return v, nil
		}
		out := make(node, len(m))
		for k, sv := range m {
			if sn, ok := sv.(node); ok {
				r, err := resolve(table, sn, stack)
				if err != nil {
					return nil, err
				}
				out[k] = r
			} else {
				out[k] = sv
			}
		}
		return out, nil
	case "items", "additionalProperties", "not", "additionalItems":
		if sn, ok := v.(node); ok {
			return resolve(table, sn, stack)
		}
		if list, ok := v.([]any); ok && key == "items" {
			return resolveList(table, list, stack)
		}
		return v, nil
	case "allOf", "anyOf", "oneOf":
		if list, ok := v.([]any); ok {
			return resolveList(table, list, stack)
		}
		return v, nil
	default:
		return v, nil
	}
}

func resolveList(table map[string]node, list []any, stack []string) (any, error) {
	out := make([]any, len(list))
	for i, sv := range list {
		if sn, ok := sv.(node); ok {
			r, err := resolve(table, sn, stack)
			if err != nil {
				return nil, err
			}
			out[i] = r
		} else {
			out[i] = sv
		}
	}
	return out, nil
}

func firstDiff(path string, a, b any) string {
	switch av := a.(type) {
	case node:
		bv, ok := b.(node)
		if !ok {
			return path
		}
		for _, k := range sortedKeys(av) {
			if _, ok := bv[k]; !ok {
				return path + "/" + k + " (only in the table)"
			}
			if !reflect.DeepEqual(av[k], bv[k]) {
				return firstDiff(path+"/"+k, av[k], bv[k])
			}
		}
		for _, k := range sortedKeys(bv) {
			if _, ok := av[k]; !ok {
				return path + "/" + k + " (missing from the table)"
			}
		}
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return path
		}
		for i := range av {
			if !reflect.DeepEqual(av[i], bv[i]) {
				return firstDiff(fmt.Sprintf("%s/%d", path, i), av[i], bv[i])
			}
		}
	}
	if path == "" {
		return "/"
	}
	return path
}

func countRefs(v any, n *int) {
	switch vv := v.(type) {
	case node:
		if _, ok := vv["$ref"]; ok {
			*n++
		}
		for _, c := range vv {
			countRefs(c, n)
		}
	case map[string]node:
		for _, c := range vv {
			countRefs(c, n)
		}
	case []any:
		for _, c := range vv {
			countRefs(c, n)
		}
	}
}

// checkCoverage reports the k8s-openapi schema names that the table lacks, and fails if one of
// them is not a type that was left out for a reason (a package missing from k8s/packages.go,
// or a naming mismatch).
func checkCoverage(namesFile string, table map[string]node, excluded map[string]string) error {
	raw, err := os.ReadFile(namesFile)
	if err != nil {
		return err
	}
	var missing, unknown []string
	total := 0
	for _, line := range strings.Split(string(raw), "\n") {
		name := strings.Trim(strings.TrimSpace(line), `"`)
		if name == "" {
			continue
		}
		total++
		if _, ok := table[name]; ok {
			continue
		}
		if _, ok := excluded[name]; ok {
			missing = append(missing, name)
		} else {
			unknown = append(unknown, name)
		}
	}
	fmt.Fprintf(os.Stderr, "k8s-openapi: %d of its %d schema names are in the table; left out (see above): %s\n", total-len(missing)-len(unknown), total, strings.Join(missing, " "))
	if len(unknown) > 0 {
		return fmt.Errorf("k8s-openapi names that are no type of the loaded packages: %s", strings.Join(unknown, " "))
	}
	return nil
}

// The end-to-end check: writeE2EAPI writes a CRD type whose spec has one field per table type
// (field fN for the Nth table name in sorted order, without documentation or markers);
// generate.sh runs the controller-gen binary on it, and checkAgainstCRD compares each field's
// schema in that CRD with the table's entry, resolved.

func writeE2EAPI(path string, table map[string]node, entries map[crd.TypeIdent]*typeEntry) error {
	byName := map[string]crd.TypeIdent{}
	for id, e := range entries {
		byName[e.name] = id
	}
	aliases := map[string]string{}
	var fields strings.Builder
	for i, name := range sortedKeys(table) {
		id := byName[name]
		pkgPath := loader.NonVendorPath(id.Package.PkgPath)
		alias, ok := aliases[pkgPath]
		if !ok {
			alias = fmt.Sprintf("p%d", len(aliases))
			aliases[pkgPath] = alias
		}
		fmt.Fprintf(&fields, "\tF%d %s.%s `json:\"f%d,omitempty\"`\n", i, alias, id.Name, i)
	}
	var src strings.Builder
	src.WriteString("// Generated by hack/k8s-schemas for its end-to-end check; not kept.\n\n// +groupName=k8s-schemas.check.example\npackage api\n\nimport (\n")
	src.WriteString("\tmetav1 \"k8s.io/apimachinery/pkg/apis/meta/v1\"\n")
	for _, pkgPath := range sortedKeys(aliases) {
		fmt.Fprintf(&src, "\t%s %q\n", aliases[pkgPath], pkgPath)
	}
	src.WriteString(")\n\n// +kubebuilder:object:root=true\ntype Check struct {\n\tmetav1.TypeMeta   `json:\",inline\"`\n\tmetav1.ObjectMeta `json:\"metadata,omitempty\"`\n\tSpec CheckSpec `json:\"spec\"`\n}\n\ntype CheckSpec struct {\n")
	src.WriteString(fields.String())
	src.WriteString("}\n")
	return os.WriteFile(path, []byte(src.String()), 0o644)
}

func checkAgainstCRD(tablePath, crdPath string) error {
	var doc struct {
		Types map[string]node `json:"types"`
	}
	raw, err := os.ReadFile(tablePath)
	if err != nil {
		return err
	}
	if err := decodeNumbers(raw, &doc); err != nil {
		return fmt.Errorf("%s: %w", tablePath, err)
	}
	rawYAML, err := os.ReadFile(crdPath)
	if err != nil {
		return err
	}
	crdJSON, err := yaml.YAMLToJSON(rawYAML)
	if err != nil {
		return fmt.Errorf("%s: %w", crdPath, err)
	}
	var crdDoc struct {
		Spec struct {
			Versions []struct {
				Schema struct {
					OpenAPIV3Schema struct {
						Properties struct {
							Spec struct {
								Properties map[string]any `json:"properties"`
							} `json:"spec"`
						} `json:"properties"`
					} `json:"openAPIV3Schema"`
				} `json:"schema"`
			} `json:"versions"`
		} `json:"spec"`
	}
	if err := decodeNumbers(crdJSON, &crdDoc); err != nil {
		return fmt.Errorf("%s: %w", crdPath, err)
	}
	if len(crdDoc.Spec.Versions) != 1 {
		return fmt.Errorf("%s: expected one version", crdPath)
	}
	fields := crdDoc.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties.Spec.Properties
	names := sortedKeys(doc.Types)
	if len(fields) != len(names) {
		return fmt.Errorf("the CRD's spec has %d fields, the table %d types", len(fields), len(names))
	}
	var diffs []string
	for i, name := range names {
		got, err := resolve(doc.Types, doc.Types[name], nil)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		want := fields[fmt.Sprintf("f%d", i)]
		if !sameJSON(got, want) {
			diffs = append(diffs, fmt.Sprintf("%s: the resolved table entry differs from controller-gen's schema of field f%d at %s", name, i, firstDiff("", canonical(got), canonical(want))))
		}
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%d of %d types differ from controller-gen's CRD:\n  %s", len(diffs), len(names), strings.Join(diffs, "\n  "))
	}
	fmt.Fprintf(os.Stderr, "end-to-end check: all %d table entries, resolved, equal what the controller-gen binary put into a CRD for a field of that type\n", len(names))
	return nil
}

func decodeNumbers(raw []byte, into any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(into)
}

// canonical turns numbers into float64s, so that 1 and 1.0 compare equal (YAML may write
// either).
func canonical(v any) any {
	switch vv := v.(type) {
	case node:
		out := make(node, len(vv))
		for k, c := range vv {
			out[k] = canonical(c)
		}
		return out
	case []any:
		out := make([]any, len(vv))
		for i, c := range vv {
			out[i] = canonical(c)
		}
		return out
	case json.Number:
		f, err := vv.Float64()
		if err != nil {
			return vv.String()
		}
		return f
	default:
		return v
	}
}

func sameJSON(a, b any) bool {
	return reflect.DeepEqual(canonical(a), canonical(b))
}
