"""The official forms of Circular 03/2025/TT-VPCP, Appendix I (docs/FORMS.md)."""
