module bareflow.test/goruntime

go 1.19
