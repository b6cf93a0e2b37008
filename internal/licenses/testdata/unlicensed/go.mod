module example.com/unlicensed

go 1.22
