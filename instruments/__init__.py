"""Policy instruments, their interactions on the seven-point scale, and the Annex B grid."""
