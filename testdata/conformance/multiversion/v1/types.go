package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// DiskSpec defines the desired state of Disk in v1.
type DiskSpec struct {
	// Size is a quantity such as 10Gi.
	// +kubebuilder:validation:Pattern=`^[0-9]+Gi$`
	Size string `json:"size"`
}

// +kubebuilder:object:root=true
// +kubebuilder:deprecatedversion:warning="multiversion.conformance.example.com/v1 Disk is deprecated; use v2"

// Disk is the Schema for the disks API.
type Disk struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec DiskSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// DiskList contains a list of Disk.
type DiskList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Disk `json:"items"`
}
