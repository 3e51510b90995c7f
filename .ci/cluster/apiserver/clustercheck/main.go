// Command clustercheck proves rendered manifests against a live kube-apiserver (started by ../../run.sh).
//
// It installs the pinned upstream CRDs and waits until they are established, then for each cluster walks its
// Flux Kustomizations in dependsOn order and server-side applies every object in dry-run mode, as Flux's
// kustomize-controller would (field manager, force ownership, strict field validation). Namespaces and
// ServiceAccounts are applied for real first (pods need them to exist); each workload's pod template is also
// dry-run created as a Pod, so Pod Security admission enforces the namespace's labels the way it will when the
// ReplicaSet controller creates the pods. Fixtures that must be rejected are applied last: each one carries the
// annotation runner-fleet.ci/expect-rejection with a substring the server's message must contain.
//
// Every object is one test. The last line is "test:cluster: N passed, N failed"; the exit code is 1 on any failure.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"sigs.k8s.io/yaml"
)

const (
	expectAnnotation = "runner-fleet.ci/expect-rejection"
	fluxManager      = "kustomize-controller" // the field manager Flux applies with
	crdManager       = "runner-fleet-ci-crds"
	fixtureNamespace = "ci-fixtures" // namespaced fixtures live here
)

// Layer order used when clusters/ has no Flux Kustomizations yet.
var fallbackLayers = []string{"infrastructure", "configs", "runners", "monitoring"}

// Namespaces that exist on a bootstrapped cluster without being in dist/ (flux bootstrap creates flux-system).
var bootstrapNamespaces = []string{"flux-system"}

var (
	crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	nsGVR  = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	saGVR  = schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}
	podGVR = schema.GroupVersionResource{Version: "v1", Resource: "pods"}
)

type object struct {
	file string // relative to the repository root
	obj  *unstructured.Unstructured
}

func (o object) describe() string {
	id := o.obj.GetName()
	if ns := o.obj.GetNamespace(); ns != "" {
		id = ns + "/" + id
	}
	return fmt.Sprintf("%s %s", o.obj.GetKind(), id)
}

// unit is what one Flux Kustomization applies (or one layer directory in fallback mode).
type unit struct {
	label           string
	targetNamespace string
	objects         []object
}

type checker struct {
	root     string
	dyn      dynamic.Interface
	disc     discovery.CachedDiscoveryInterface
	mapper   *restmapper.DeferredDiscoveryRESTMapper
	warnings *warningRecorder
	passed   int
	failed   int
}

type warningRecorder struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warningRecorder) HandleWarningHeader(code int, agent string, text string) {
	if code != 299 || text == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, text)
}

func (w *warningRecorder) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	m := w.msgs
	w.msgs = nil
	return m
}

func main() {
	server := flag.String("server", "", "kube-apiserver URL")
	tokenFile := flag.String("token-file", "", "file holding the bearer token")
	caFile := flag.String("ca", "", "CA certificate of the serving certificate")
	root := flag.String("root", ".", "repository root")
	crdList := flag.String("crd-list", "", "file listing CRD YAML paths, one a line")
	fixtures := flag.String("fixtures", "", "directory (relative to -root) of objects the server must reject")
	flag.Parse()

	token, err := os.ReadFile(*tokenFile)
	must(err)
	rec := &warningRecorder{}
	cfg := &rest.Config{
		Host:            *server,
		BearerToken:     strings.TrimSpace(string(token)),
		TLSClientConfig: rest.TLSClientConfig{CAFile: *caFile},
		QPS:             500,
		Burst:           1000,
		Timeout:         60 * time.Second,
		WarningHandler:  rec,
	}
	dyn, err := dynamic.NewForConfig(cfg)
	must(err)
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	must(err)
	cached := memory.NewMemCacheClient(dc)
	c := &checker{root: *root, dyn: dyn, disc: cached, mapper: restmapper.NewDeferredDiscoveryRESTMapper(cached), warnings: rec}

	ctx := context.Background()
	start := time.Now()
	must(c.waitReady(ctx, dc))
	fmt.Printf("kube-apiserver ready (%s)\n", time.Since(start).Round(time.Millisecond))
	must(c.installCRDs(ctx, *crdList))

	must(c.checkClusters(ctx))
	if *fixtures != "" {
		must(c.checkFixtures(ctx, *fixtures))
	}
	fmt.Printf("\nchecks took %s\n", time.Since(start).Round(time.Millisecond))
	fmt.Printf("test:cluster: %d passed, %d failed\n", c.passed, c.failed)
	if c.failed > 0 {
		os.Exit(1)
	}
}

func must(err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "clustercheck: %v\n", err)
		os.Exit(2)
	}
}

func (c *checker) pass(format string, a ...any) {
	c.passed++
	fmt.Printf("  ok    "+format+"\n", a...)
}

func (c *checker) fail(format string, a ...any) {
	c.failed++
	fmt.Printf("  FAIL  "+format+"\n", a...)
}

func (c *checker) waitReady(ctx context.Context, dc *discovery.DiscoveryClient) error {
	var last error
	err := wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, 90*time.Second, true, func(ctx context.Context) (bool, error) {
		body, err := dc.RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		if err != nil {
			last = fmt.Errorf("%v: %s", err, body)
			return false, nil
		}
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("kube-apiserver not ready after 90s: %v", last)
	}
	return nil
}

// installCRDs applies every CRD for real and waits until each is Established.
func (c *checker) installCRDs(ctx context.Context, listFile string) error {
	if listFile == "" {
		return nil
	}
	list, err := os.ReadFile(listFile)
	if err != nil {
		return err
	}
	start := time.Now()
	var names []string
	for _, path := range strings.Fields(string(list)) {
		objs, err := readObjects(path)
		if err != nil {
			return fmt.Errorf("reading CRD %s: %w", path, err)
		}
		for _, o := range objs {
			if o.GetKind() != "CustomResourceDefinition" {
				return fmt.Errorf("%s: expected CustomResourceDefinition, found %s", path, o.GetKind())
			}
			if err := c.apply(ctx, crdGVR, o, crdManager, false); err != nil {
				return fmt.Errorf("installing CRD %s from %s: %w", o.GetName(), path, err)
			}
			names = append(names, o.GetName())
		}
	}
	for _, name := range names {
		err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
			crd, err := c.dyn.Resource(crdGVR).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			conds, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
			for _, cond := range conds {
				m, _ := cond.(map[string]any)
				if m["type"] == "Established" && m["status"] == "True" {
					return true, nil
				}
			}
			return false, nil
		})
		if err != nil {
			return fmt.Errorf("CRD %s not Established: %w", name, err)
		}
	}
	c.disc.Invalidate()
	c.mapper.Reset()
	fmt.Printf("installed %d CRDs, all Established (%s)\n", len(names), time.Since(start).Round(time.Millisecond))
	return nil
}

// apply server-side applies obj as Flux does: forced ownership, strict field validation; dry-run unless real.
func (c *checker) apply(ctx context.Context, gvr schema.GroupVersionResource, obj *unstructured.Unstructured, manager string, dryRun bool) error {
	body, err := obj.MarshalJSON()
	if err != nil {
		return err
	}
	force := true
	opts := metav1.PatchOptions{FieldManager: manager, Force: &force, FieldValidation: "Strict"}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	var ri dynamic.ResourceInterface = c.dyn.Resource(gvr)
	if ns := obj.GetNamespace(); ns != "" {
		ri = c.dyn.Resource(gvr).Namespace(ns)
	}
	_, err = ri.Patch(ctx, obj.GetName(), types.ApplyPatchType, body, opts)
	return err
}

// mapping resolves the object's resource, and whether it is namespaced.
func (c *checker) mapping(obj *unstructured.Unstructured) (schema.GroupVersionResource, bool, error) {
	gvk := obj.GroupVersionKind()
	m, err := c.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return schema.GroupVersionResource{}, false, fmt.Errorf("the server does not serve %s (no CRD installed for it?): %v", gvk, err)
	}
	return m.Resource, m.Scope.Name() == meta.RESTScopeNameNamespace, nil
}

// ---------------------------------------------------------------------------------------------------------------
// Planning: which objects each cluster applies, in Flux's order.

type kustomization struct {
	name, namespace, path, targetNamespace string
	dependsOn                              []string // namespace/name
	file                                   string
}

func (c *checker) checkClusters(ctx context.Context) error {
	clusterNames := map[string]bool{}
	for _, dir := range []string{"clusters", "dist"} {
		entries, err := os.ReadDir(filepath.Join(c.root, dir))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		for _, e := range entries {
			if e.IsDir() {
				clusterNames[e.Name()] = true
			}
		}
	}
	if len(clusterNames) == 0 {
		c.fail("no clusters found: neither clusters/<name>/ nor dist/<name>/ exists")
		return nil
	}
	names := make([]string, 0, len(clusterNames))
	for n := range clusterNames {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := c.checkCluster(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

func (c *checker) checkCluster(ctx context.Context, cluster string) error {
	fmt.Printf("\n== cluster %s\n", cluster)
	units, unreached, err := c.plan(cluster)
	if err != nil {
		return err
	}
	for _, f := range unreached {
		c.fail("%s: not under the path of any Flux Kustomization in clusters/%s/, so Flux never applies it", f, cluster)
	}

	// Namespaces and ServiceAccounts for real, first (as they would exist when the rest is applied).
	var created []object
	defined := map[string]bool{}
	for _, u := range units {
		for _, o := range u.objects {
			if o.obj.GetKind() == "Namespace" && o.obj.GetAPIVersion() == "v1" {
				defined[o.obj.GetName()] = true
			}
		}
	}
	for _, ns := range bootstrapNamespaces {
		if !defined[ns] {
			o := object{file: "(flux bootstrap)", obj: newObject("v1", "Namespace", "", ns)}
			if err := c.apply(ctx, nsGVR, o.obj, "flux", false); err != nil {
				return fmt.Errorf("creating bootstrap namespace %s: %w", ns, err)
			}
			created = append(created, o)
		}
	}
	fmt.Println("-- namespaces (applied for real)")
	for _, u := range units {
		for _, o := range u.objects {
			if o.obj.GetKind() == "Namespace" && o.obj.GetAPIVersion() == "v1" {
				if c.check(ctx, o, false) {
					created = append(created, o)
				}
			}
		}
	}
	nsNames := map[string]bool{}
	for _, o := range created {
		nsNames[o.obj.GetName()] = true
	}
	// Each namespace's default ServiceAccount is made by kube-controller-manager, which this harness does not run.
	for ns := range nsNames {
		sa := newObject("v1", "ServiceAccount", ns, "default")
		if err := c.apply(ctx, saGVR, sa, "kube-controller-manager", false); err != nil {
			return fmt.Errorf("creating default ServiceAccount in %s: %w", ns, err)
		}
		created = append(created, object{file: "(controller)", obj: sa})
	}
	defer c.cleanup(ctx, created)

	fmt.Println("-- service accounts (applied for real: pods need them to exist)")
	for _, u := range units {
		for _, o := range u.objects {
			if o.obj.GetKind() == "ServiceAccount" && o.obj.GetAPIVersion() == "v1" {
				if c.check(ctx, o, false) {
					created = append(created, o)
				}
			}
		}
	}

	for _, u := range units {
		fmt.Printf("-- %s\n", u.label)
		for _, o := range u.objects {
			switch {
			case o.obj.GetAPIVersion() == "v1" && (o.obj.GetKind() == "Namespace" || o.obj.GetKind() == "ServiceAccount"):
				continue // applied above
			}
			if c.check(ctx, o, true) {
				c.checkPodTemplate(ctx, o)
			}
		}
	}
	return nil
}

// plan returns the units of a cluster in apply order and the files under dist/<cluster>/ that no unit reaches.
func (c *checker) plan(cluster string) ([]unit, []string, error) {
	distDir := filepath.Join("dist", cluster)
	clusterDir := filepath.Join("clusters", cluster)
	reached := map[string]bool{}
	var units []unit

	hasClusterDir := isDir(filepath.Join(c.root, clusterDir))
	anyClusterDir := false
	if entries, err := os.ReadDir(filepath.Join(c.root, "clusters")); err == nil {
		for _, e := range entries {
			anyClusterDir = anyClusterDir || e.IsDir()
		}
	}

	if !anyClusterDir {
		fmt.Printf("NOTE: clusters/ has no Flux entry points yet; falling back to layer order %s\n", strings.Join(fallbackLayers, " -> "))
		layers := append([]string{}, fallbackLayers...)
		entries, _ := os.ReadDir(filepath.Join(c.root, distDir))
		for _, e := range entries {
			if e.IsDir() && !contains(fallbackLayers, e.Name()) {
				layers = append(layers, e.Name())
			}
		}
		for _, l := range layers {
			dir := filepath.Join(distDir, l)
			if !isDir(filepath.Join(c.root, dir)) {
				continue
			}
			objs, err := c.loadDir(dir, reached)
			if err != nil {
				return nil, nil, err
			}
			units = append(units, unit{label: "layer " + dir + " (fallback order)", objects: objs})
		}
		return units, nil, nil
	}

	if hasClusterDir {
		entry, err := c.loadDir(clusterDir, reached)
		if err != nil {
			return nil, nil, err
		}
		units = append(units, unit{label: "Flux entry point " + clusterDir, objects: entry})
		ks, err := c.orderKustomizations(cluster, entry)
		if err != nil {
			return nil, nil, err
		}
		for _, k := range ks {
			path := filepath.Clean(strings.TrimPrefix(k.path, "./"))
			if path == clusterDir || strings.HasPrefix(path+"/", clusterDir+"/") {
				continue // the entry point itself (flux-system's sync), applied above
			}
			label := fmt.Sprintf("Kustomization %s/%s -> ./%s", k.namespace, k.name, path)
			if !isDir(filepath.Join(c.root, path)) {
				c.fail("%s: %s: spec.path ./%s does not exist", k.file, label, path)
				continue
			}
			if _, err := os.Stat(filepath.Join(c.root, path, "kustomization.yaml")); err == nil {
				c.fail("%s: %s: has a kustomization.yaml; this harness applies plain directories only (extend it first)", k.file, label)
				continue
			}
			objs, err := c.loadDir(path, reached)
			if err != nil {
				return nil, nil, err
			}
			units = append(units, unit{label: label, targetNamespace: k.targetNamespace, objects: objs})
		}
		for i := range units {
			if ns := units[i].targetNamespace; ns != "" {
				for _, o := range units[i].objects {
					if _, namespaced, err := c.mapping(o.obj); err == nil && namespaced {
						o.obj.SetNamespace(ns)
					}
				}
			}
		}
	}

	var unreached []string
	if isDir(filepath.Join(c.root, distDir)) {
		err := filepath.WalkDir(filepath.Join(c.root, distDir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !isManifest(p) {
				return err
			}
			rel, _ := filepath.Rel(c.root, p)
			if !reached[rel] {
				unreached = append(unreached, rel)
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	return units, unreached, nil
}

// orderKustomizations returns the cluster's Flux Kustomizations sorted so that every one follows its dependsOn.
func (c *checker) orderKustomizations(cluster string, entry []object) ([]kustomization, error) {
	byID := map[string]kustomization{}
	var ids []string
	for _, o := range entry {
		if o.obj.GetKind() != "Kustomization" || !strings.HasPrefix(o.obj.GetAPIVersion(), "kustomize.toolkit.fluxcd.io/") {
			continue
		}
		ns := o.obj.GetNamespace()
		if ns == "" {
			ns = "flux-system"
		}
		k := kustomization{name: o.obj.GetName(), namespace: ns, file: o.file}
		k.path, _, _ = unstructured.NestedString(o.obj.Object, "spec", "path")
		k.targetNamespace, _, _ = unstructured.NestedString(o.obj.Object, "spec", "targetNamespace")
		deps, _, _ := unstructured.NestedSlice(o.obj.Object, "spec", "dependsOn")
		for _, d := range deps {
			m, _ := d.(map[string]any)
			dn, _ := m["name"].(string)
			dns, _ := m["namespace"].(string)
			if dns == "" {
				dns = ns
			}
			k.dependsOn = append(k.dependsOn, dns+"/"+dn)
		}
		id := ns + "/" + k.name
		byID[id] = k
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		fmt.Printf("NOTE: clusters/%s/ defines no Flux Kustomization\n", cluster)
	}
	sort.Strings(ids)
	var order []kustomization
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(id string, chain []string) error
	visit = func(id string, chain []string) error {
		switch state[id] {
		case 2:
			return nil
		case 1:
			c.fail("clusters/%s: Kustomization dependsOn cycle: %s", cluster, strings.Join(append(chain, id), " -> "))
			return errCycle
		}
		state[id] = 1
		k := byID[id]
		for _, dep := range k.dependsOn {
			if _, ok := byID[dep]; !ok {
				c.fail("%s: Kustomization %s dependsOn %s, which clusters/%s/ does not define: Flux would wait forever", k.file, id, dep, cluster)
				continue
			}
			if err := visit(dep, append(chain, id)); err != nil {
				return err
			}
		}
		state[id] = 2
		order = append(order, k)
		return nil
	}
	for _, id := range ids {
		if err := visit(id, nil); err != nil {
			break // reported; apply what was ordered so far
		}
	}
	fmt.Printf("Flux order for %s:", cluster)
	for _, k := range order {
		fmt.Printf(" %s", k.name)
	}
	fmt.Println()
	return order, nil
}

var errCycle = errors.New("dependsOn cycle")

// loadDir reads every manifest under dir (recursively, as kustomize-controller does for a plain directory).
func (c *checker) loadDir(dir string, reached map[string]bool) ([]object, error) {
	var out []object
	err := filepath.WalkDir(filepath.Join(c.root, dir), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isManifest(p) {
			return err
		}
		rel, _ := filepath.Rel(c.root, p)
		reached[rel] = true
		objs, err := readObjects(p)
		if err != nil {
			c.fail("%s: cannot be parsed: %v", rel, err)
			return nil
		}
		for _, o := range objs {
			out = append(out, object{file: rel, obj: o})
		}
		return nil
	})
	return out, err
}

// ---------------------------------------------------------------------------------------------------------------
// Checking.

// check applies one object (dry-run unless real) and records the result. It returns whether the server accepted it.
func (c *checker) check(ctx context.Context, o object, dryRun bool) bool {
	gvr, namespaced, err := c.mapping(o.obj)
	if err == nil && namespaced && o.obj.GetNamespace() == "" {
		err = errors.New("namespaced object without metadata.namespace: Flux would put it in the Kustomization's default namespace; set it explicitly")
	}
	if err == nil && !namespaced && o.obj.GetNamespace() != "" {
		err = fmt.Errorf("cluster-scoped object with metadata.namespace %q", o.obj.GetNamespace())
	}
	if err == nil {
		c.warnings.take()
		err = c.apply(ctx, gvr, o.obj, fluxManager, dryRun)
		if err == nil {
			if w := c.warnings.take(); len(w) > 0 {
				err = fmt.Errorf("accepted with warnings (treated as failures): %s", strings.Join(w, "; "))
			}
		}
	}
	if err != nil {
		c.fail("%s\n          %s: %s", o.file, o.describe(), message(err))
		return false
	}
	c.pass("%s  (%s)", o.describe(), o.file)
	return true
}

// checkPodTemplate dry-run creates a Pod from a workload's template, in the workload's namespace, so that admission
// (Pod Security with the namespace's labels, ServiceAccount, LimitRange...) judges the pods the controller will make.
func (c *checker) checkPodTemplate(ctx context.Context, o object) {
	var path []string
	switch o.obj.GroupVersionKind().GroupKind() {
	case schema.GroupKind{Group: "apps", Kind: "Deployment"}, schema.GroupKind{Group: "apps", Kind: "StatefulSet"},
		schema.GroupKind{Group: "apps", Kind: "DaemonSet"}, schema.GroupKind{Group: "apps", Kind: "ReplicaSet"},
		schema.GroupKind{Group: "batch", Kind: "Job"}:
		path = []string{"spec", "template"}
	case schema.GroupKind{Group: "batch", Kind: "CronJob"}:
		path = []string{"spec", "jobTemplate", "spec", "template"}
	default:
		return
	}
	tmpl, found, err := unstructured.NestedMap(o.obj.Object, path...)
	if err != nil || !found {
		c.fail("%s\n          %s: pod template: not found at %s", o.file, o.describe(), strings.Join(path, "."))
		return
	}
	pod := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Pod", "spec": tmpl["spec"]}}
	if md, ok := tmpl["metadata"].(map[string]any); ok {
		pod.Object["metadata"] = md
	}
	pod.SetNamespace(o.obj.GetNamespace())
	pod.SetName(o.obj.GetName() + "-template-check")
	c.warnings.take()
	ri := c.dyn.Resource(podGVR).Namespace(pod.GetNamespace())
	_, err = ri.Create(ctx, pod, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}, FieldValidation: "Strict"})
	if err == nil {
		if w := c.warnings.take(); len(w) > 0 {
			err = fmt.Errorf("accepted with warnings (treated as failures): %s", strings.Join(w, "; "))
		}
	}
	if err != nil {
		c.fail("%s\n          %s: a Pod from its template is rejected: %s", o.file, o.describe(), message(err))
		return
	}
	c.pass("%s pod template -> Pod admitted in namespace %s", o.describe(), pod.GetNamespace())
}

func (c *checker) checkFixtures(ctx context.Context, dir string) error {
	ns := object{file: "(fixtures)", obj: newObject("v1", "Namespace", "", fixtureNamespace)}
	if err := c.apply(ctx, nsGVR, ns.obj, fluxManager, false); err != nil {
		return fmt.Errorf("creating namespace %s: %w", fixtureNamespace, err)
	}
	defer c.cleanup(ctx, []object{ns})

	fmt.Printf("\n== fixture baselines (%s/baseline): the server must accept each\n", dir)
	baselines, err := c.fixtureObjects(filepath.Join(dir, "baseline"))
	if err != nil {
		return err
	}
	for _, o := range baselines {
		c.check(ctx, o, true)
	}

	fmt.Printf("\n== negative fixtures (%s): the server must reject each, with the expected message\n", dir)
	fixtures, err := c.fixtureObjects(dir)
	if err != nil {
		return err
	}
	if len(fixtures) == 0 {
		c.fail("%s: no fixtures: the negative test would pass vacuously", dir)
	}
	for _, o := range fixtures {
		f, obj := o.file, o.obj
		want := obj.GetAnnotations()[expectAnnotation]
		if want == "" {
			c.fail("%s: %s: no %s annotation naming the expected message", f, o.describe(), expectAnnotation)
			continue
		}
		gvr, _, err := c.mapping(obj)
		if err == nil {
			err = c.apply(ctx, gvr, obj, fluxManager, true)
		}
		switch {
		case err == nil:
			c.fail("%s\n          %s: ACCEPTED, but the server must reject it with %q", f, o.describe(), want)
		case !strings.Contains(message(err), want):
			c.fail("%s\n          %s: rejected, but not for the expected reason %q: %s", f, o.describe(), want, message(err))
		default:
			c.pass("%s rejected as expected: %q  (%s)", o.describe(), want, f)
		}
	}
	return nil
}

// fixtureObjects reads every object of the YAML files directly in dir (relative to the repository root); a file that
// cannot be parsed is a failure.
func (c *checker) fixtureObjects(dir string) ([]object, error) {
	files, err := filepath.Glob(filepath.Join(c.root, dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	var out []object
	for _, f := range files {
		objs, err := readObjects(f)
		f, _ = filepath.Rel(c.root, f)
		if err != nil {
			c.fail("%s: cannot be parsed: %v", f, err)
			continue
		}
		for _, obj := range objs {
			out = append(out, object{file: f, obj: obj})
		}
	}
	return out, nil
}

// cleanup deletes what was created for real, so the next cluster starts from an empty API server. There is no
// namespace controller: a namespace's contents are deleted here and its finalizer is cleared like the controller would.
func (c *checker) cleanup(ctx context.Context, created []object) {
	for i := len(created) - 1; i >= 0; i-- {
		o := created[i]
		gvr, _, err := c.mapping(o.obj)
		if err != nil {
			continue
		}
		var ri dynamic.ResourceInterface = c.dyn.Resource(gvr)
		if ns := o.obj.GetNamespace(); ns != "" {
			ri = c.dyn.Resource(gvr).Namespace(ns)
		}
		if err := ri.Delete(ctx, o.obj.GetName(), metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			fmt.Fprintf(os.Stderr, "cleanup: deleting %s: %v\n", o.describe(), err)
			continue
		}
		if gvr == nsGVR {
			name := o.obj.GetName()
			_ = wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
				ns, err := c.dyn.Resource(nsGVR).Get(ctx, name, metav1.GetOptions{})
				if apierrors.IsNotFound(err) {
					return true, nil
				}
				if err != nil {
					return false, nil
				}
				unstructured.RemoveNestedField(ns.Object, "spec", "finalizers")
				_, _ = c.dyn.Resource(nsGVR).Update(ctx, ns, metav1.UpdateOptions{}, "finalize")
				return false, nil
			})
		}
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers.

func readObjects(path string) ([]*unstructured.Unstructured, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var out []*unstructured.Unstructured
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		var m map[string]any
		if err := yaml.UnmarshalStrict(doc, &m); err != nil {
			return nil, err
		}
		if m == nil {
			continue
		}
		u := &unstructured.Unstructured{Object: m}
		if u.GetKind() == "" || u.GetAPIVersion() == "" || u.GetName() == "" {
			return nil, fmt.Errorf("a document without apiVersion, kind or metadata.name")
		}
		if strings.HasSuffix(u.GetKind(), "List") {
			return nil, fmt.Errorf("a %s: one object per file expected", u.GetKind())
		}
		out = append(out, u)
	}
	return out, nil
}

func newObject(apiVersion, kind, namespace, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": apiVersion, "kind": kind}}
	u.SetName(name)
	if namespace != "" {
		u.SetNamespace(namespace)
	}
	return u
}

// message is the server's own message (the Status), without client-go's wrapping.
func message(err error) string {
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		s := status.Status()
		msg := s.Message
		if s.Code == http.StatusNotFound && s.Details != nil {
			msg = fmt.Sprintf("%s (%s)", msg, s.Reason)
		}
		return msg
	}
	return err.Error()
}

func isManifest(p string) bool {
	ext := strings.ToLower(filepath.Ext(p))
	return ext == ".yaml" || ext == ".yml" || ext == ".json"
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
