package v1

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// QuotaSpec defines the desired state of Quota: quantities and resource requirements.
type QuotaSpec struct {
	// Resources are the requests and limits.
	// +optional
	Resources corev1.ResourceRequirements `json:"resources,omitempty"`

	// Storage is a size.
	Storage resource.Quantity `json:"storage"`

	// Burst is an optional size.
	// +optional
	Burst *resource.Quantity `json:"burst,omitempty"`

	// Hard are caps by resource name.
	// +optional
	Hard corev1.ResourceList `json:"hard,omitempty"`

	// Sizes are several quantities.
	// +optional
	Sizes []resource.Quantity `json:"sizes,omitempty"`
}

// +kubebuilder:object:root=true

// Quota is the Schema for the quotas API.
type Quota struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec QuotaSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// QuotaList contains a list of Quota.
type QuotaList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Quota `json:"items"`
}
