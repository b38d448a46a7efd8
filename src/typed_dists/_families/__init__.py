"""Distribution families, mirroring NumPyro's module layout."""
