package licensed

func F() {}
