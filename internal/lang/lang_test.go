package lang

import "testing"

func TestDetect(t *testing.T) {
	d := NewDetector([]string{"en", "fr", "sv", "zh", "de", "es", "ja", "pt", "it", "nl"})
	tests := []struct {
		text string
		want string
		sure bool
	}{
		{"When does the next European KubeCon start?", "en", true},
		{"What did Kelsey Hightower say about serverless at KubeCon Detroit?", "en", true},
		{"Combien de sessions y avait-il à Copenhague ?", "fr", true},
		{"Qu'est-ce que SMI ?", "fr", true},
		{"Vad gjorde CERN under keynoten?", "sv", true},
		{"Hur många var där?", "sv", true},
		{"Was ist Velero?", "de", true},
		{"¿Qué es Brigade?", "es", true},
		{"O que é o Istio?", "pt", true},
		{"Wat is Kubeflow?", "nl", true},
		{"SMI是什么？", "zh", true},
		{"什么是服务网格接口（SMI）？", "zh", true},
		{"Brigadeとは何ですか？", "ja", true},
		{"SMI?", "", false},
		{"Istio", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := d.Detect(tt.text)
			if got.Sure != tt.sure || (tt.want != "" && got.Lang != tt.want) {
				t.Errorf("Detect(%q) = %+v, want lang %q sure %v", tt.text, got, tt.want, tt.sure)
			}
		})
	}
}

func TestBase(t *testing.T) {
	for in, want := range map[string]string{"fr-FR": "fr", "zh_CN": "zh", "pt-BR": "pt", "EN": "en", "": "", "not a tag": "", "x": ""} {
		if got := Base(in); got != want {
			t.Errorf("Base(%q) = %q, want %q", in, got, want)
		}
	}
}
