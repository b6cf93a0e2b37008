package main

import (
	"example.com/licensed"
	"example.com/unlicensed"
)

func main() { licensed.F(); unlicensed.F() }
