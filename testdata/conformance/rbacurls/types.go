package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Non-resource URLs the operator of Probes reads.
// +kubebuilder:rbac:urls=/metrics;/healthz,verbs=get
// +kubebuilder:rbac:urls=/livez,verbs=get
// +kubebuilder:rbac:urls=/debug/*,verbs=get;post

// ProbeSpec defines the desired state of Probe.
type ProbeSpec struct {
	// Path to probe.
	Path string `json:"path"`
}

// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Cluster

// Probe is the Schema for the probes API.
type Probe struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec ProbeSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// ProbeList contains a list of Probe.
type ProbeList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Probe `json:"items"`
}
