package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PlaylistSpec defines the desired state of Playlist: list lengths and item constraints.
type PlaylistSpec struct {
	// Hosts has one to three entries.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=3
	Hosts []string `json:"hosts"`

	// Domains are lower-case names, each at least 3 characters long.
	// +kubebuilder:validation:items:MinLength=3
	// +kubebuilder:validation:items:MaxLength=20
	// +kubebuilder:validation:items:Pattern=`^[a-z.]+$`
	// +optional
	Domains []string `json:"domains,omitempty"`

	// Ports are each between 1 and 65535.
	// +kubebuilder:validation:items:Minimum=1
	// +kubebuilder:validation:items:Maximum=65535
	// +kubebuilder:validation:MaxItems=4
	// +optional
	Ports []int32 `json:"ports,omitempty"`

	// Tiers are each one of three names.
	// +kubebuilder:validation:items:Enum=gold;silver;bronze
	// +optional
	Tiers []string `json:"tiers,omitempty"`

	// Matrix is a list of lists of integers.
	// +optional
	Matrix [][]int64 `json:"matrix,omitempty"`

	// Empty may hold nothing, but must be given.
	Empty []string `json:"empty"`
}

// +kubebuilder:object:root=true

// Playlist is the Schema for the playlists API.
type Playlist struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec PlaylistSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// PlaylistList contains a list of Playlist.
type PlaylistList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Playlist `json:"items"`
}
