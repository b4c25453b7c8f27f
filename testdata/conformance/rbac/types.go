package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Permissions the operator of Keys needs; controller-gen reads them from any file of the
// package, cargo-operator from any item compiled into the operator.
// +kubebuilder:rbac:groups=rbac.conformance.example.com,resources=keys,verbs=get;list;watch
// +kubebuilder:rbac:groups=rbac.conformance.example.com,resources=keys,verbs=create;update;patch;delete
// +kubebuilder:rbac:groups=rbac.conformance.example.com,resources=keys/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=rbac.conformance.example.com,resources=keys/finalizers,verbs=update
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch
// +kubebuilder:rbac:groups=core,resources=configmaps,verbs=watch;list;get
// +kubebuilder:rbac:groups="",resources=secrets,resourceNames=signing-key;backup-key,verbs=update
// +kubebuilder:rbac:groups=apps;batch,resources=deployments;jobs,verbs=get;list
// +kubebuilder:rbac:groups=coordination.k8s.io,resources=leases,verbs=get;*
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
// +kubebuilder:rbac:groups=policy,resources=poddisruptionbudgets,verbs=create;patch

// KeySpec defines the desired state of Key.
type KeySpec struct {
	// Algorithm of the key.
	Algorithm string `json:"algorithm"`
}

// +kubebuilder:object:root=true

// Key is the Schema for the keys API.
type Key struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec KeySpec `json:"spec"`
}

// +kubebuilder:object:root=true

// KeyList contains a list of Key.
type KeyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Key `json:"items"`
}
