"""gdviz: watch gradient descent and backpropagation."""
