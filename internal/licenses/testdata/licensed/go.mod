module example.com/licensed

go 1.22
