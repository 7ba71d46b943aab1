"""The roadmap: items, demand, the ranked board, the customers' words and closing the loop."""
