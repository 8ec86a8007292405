"""Evidence for recommendations: the sentences across papers that support a statement."""
