"""The bundled demo provider."""
