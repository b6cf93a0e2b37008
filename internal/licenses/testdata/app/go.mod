module example.com/app

go 1.22

require (
	example.com/licensed v0.0.0
	example.com/unlicensed v0.0.0
)

replace (
	example.com/licensed => ../licensed
	example.com/unlicensed => ../unlicensed
)
