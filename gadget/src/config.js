/*
 * Settings: defaults, replaced by the site's from its settings page (MediaWiki:Gadget-wikitours-config/
 * <h>.json of the live version, read with the tour) where its values are valid. Read them as
 * properties: wt.config.waitMs.
 */
( function ( wt ) {
	'use strict';
	var c = wt.config = {
		/**
		 * @param {Object} [site] The site's settings
		 */
		configure: function ( site ) {
			site = site || {};
			// Where anonymous funnel events go (contracts §6); null sends nothing.
			c.eventUrl = typeof site.eventUrl === 'string' && /^(https?:)?\/\//.test( site.eventUrl ) ?
				site.eventUrl : null;
			// How long to wait for a step's element before saying it is missing.
			c.waitMs = typeof site.waitMs === 'number' && site.waitMs >= 0 && site.waitMs <= 60000 ?
				site.waitMs : 6000;
		},
		// Below this viewport width the popover becomes a full-width sheet (phones).
		narrowWidth: 640
	};
	c.configure();

	// Funnel events (contracts §6) only when the site sets an eventUrl: then telemetry.js, a
	// module of its own, is loaded and sends what was logged meanwhile.
	wt.telemetry = {
		queue: [],
		log: function () {
			if ( c.eventUrl ) {
				wt.telemetry.queue.push( arguments );
				mw.loader.load( 'ext.gadget.wikitours-events' );
			}
		},
		flush: function () {}
	};
}( mw.libs.wikitours ) );
