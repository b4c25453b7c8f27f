package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Port is a named port.
type Port struct {
	// Name identifies the port.
	Name string `json:"name"`
	// Number is the port number.
	Number int32 `json:"number"`
}

// Binding is a port and a protocol.
type Binding struct {
	// Port is the port number.
	Port int32 `json:"port"`
	// Protocol is TCP unless set.
	// +kubebuilder:default=TCP
	// +optional
	Protocol string `json:"protocol,omitempty"`
	// Target is where traffic goes.
	// +optional
	Target string `json:"target,omitempty"`
}

// RouteSpec defines the desired state of Route: server-side-apply list types.
type RouteSpec struct {
	// Hops are replaced as a whole.
	// +listType=atomic
	// +optional
	Hops []string `json:"hops,omitempty"`

	// Tags are a set of strings.
	// +listType=set
	// +optional
	Tags []string `json:"tags,omitempty"`

	// Weights are a set of integers.
	// +listType=set
	// +optional
	Weights []int32 `json:"weights,omitempty"`

	// Ports are keyed by name.
	// +listType=map
	// +listMapKey=name
	// +optional
	Ports []Port `json:"ports,omitempty"`

	// Bindings are keyed by port and protocol.
	// +listType=map
	// +listMapKey=port
	// +listMapKey=protocol
	// +optional
	Bindings []Binding `json:"bindings,omitempty"`

	// Steps are atomic objects.
	// +listType=atomic
	// +optional
	Steps []Port `json:"steps,omitempty"`
}

// +kubebuilder:object:root=true

// Route is the Schema for the routes API.
type Route struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec RouteSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// RouteList contains a list of Route.
type RouteList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Route `json:"items"`
}
