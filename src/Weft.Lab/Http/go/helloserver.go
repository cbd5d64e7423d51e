// helloserver: the Go net/http server of the Weft Lab's http workloads. It serves TechEmpower's /plaintext and
// /json on 127.0.0.1:<port>, as the Lab's Weft, Kestrel and Task servers do (src/Weft.Lab/Http/).
//
// Usage: helloserver <port>. Built and run by the Lab (go 1.19 or later).
package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
)

type message struct {
	Message string `json:"message"`
}

func main() {
	if len(os.Args) < 2 {
		fmt.Println("error usage: helloserver <port>")
		os.Exit(2)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/plaintext", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("Hello, World!"))
	})
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(message{"Hello, World!"})
	})
	if err := http.ListenAndServe("127.0.0.1:"+os.Args[1], mux); err != nil {
		fmt.Printf("error %v\n", err)
		os.Exit(1)
	}
}
