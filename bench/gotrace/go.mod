module weft/gotrace

go 1.19
