"""The Child Index: persons, the records agencies supplied, the links between them, involvements."""
