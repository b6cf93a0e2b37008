package unlicensed

func F() {}
