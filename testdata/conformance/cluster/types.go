package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// RegionSpec defines the desired state of Region, a cluster-scoped resource.
type RegionSpec struct {
	// Zones in the region.
	// +optional
	Zones []string `json:"zones,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Cluster,shortName=rg;rgn,categories=infra;all,singular=region

// Region is the Schema for the regions API.
type Region struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec RegionSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// RegionList contains a list of Region.
type RegionList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Region `json:"items"`
}
