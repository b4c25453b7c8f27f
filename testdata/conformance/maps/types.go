package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Endpoint is one address of a pool.
type Endpoint struct {
	// Host is a host name.
	Host string `json:"host"`
	// Weight is the share of traffic.
	// +optional
	Weight int32 `json:"weight,omitempty"`
}

// PoolSpec defines the desired state of Pool: maps and their merge strategies.
type PoolSpec struct {
	// Labels has one to four entries.
	// +kubebuilder:validation:MinProperties=1
	// +kubebuilder:validation:MaxProperties=4
	Labels map[string]string `json:"labels"`

	// Selector is replaced as a whole by server-side apply.
	// +mapType=atomic
	// +optional
	Selector map[string]string `json:"selector,omitempty"`

	// Limits are merged key by key.
	// +mapType=granular
	// +optional
	Limits map[string]int64 `json:"limits,omitempty"`

	// Endpoints by name.
	// +optional
	Endpoints map[string]Endpoint `json:"endpoints,omitempty"`

	// Groups are lists of members by group name.
	// +optional
	Groups map[string][]string `json:"groups,omitempty"`

	// Flags are booleans by name.
	// +optional
	Flags map[string]bool `json:"flags,omitempty"`
}

// +kubebuilder:object:root=true

// Pool is the Schema for the pools API.
type Pool struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec PoolSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// PoolList contains a list of Pool.
type PoolList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Pool `json:"items"`
}
