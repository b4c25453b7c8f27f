package v1

import (
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// NightlySpec defines the desired state of Nightly: a job template, as a CronJob has.
type NightlySpec struct {
	// Schedule in cron syntax.
	Schedule string `json:"schedule"`

	// JobTemplate is the job to create.
	JobTemplate batchv1.JobTemplateSpec `json:"jobTemplate"`
}

// +kubebuilder:object:root=true

// Nightly is the Schema for the nightlies API.
type Nightly struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec NightlySpec `json:"spec"`
}

// +kubebuilder:object:root=true

// NightlyList contains a list of Nightly.
type NightlyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Nightly `json:"items"`
}
