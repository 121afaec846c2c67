"""Report writers: console, JSON, JUnit XML, Markdown (one run each), and the HTML/Markdown matrix."""
